import type {
  AnyEventEnvelope,
  ControlledItem,
  EventEnvelope,
  Jurisdiction,
  ProductScope,
} from '@ledger/contracts';
import {
  LICENCE_VIEW_STATUSES,
  type Bitemporal,
  evaluateExportControls,
  evaluateLicences,
  evaluateMeasure,
  evaluateTariffChanges,
  evaluateTariffList,
  evaluateTariffs,
  TariffChangesTooLarge,
  type TariffChanges,
  type TariffChangesQuery,
} from '@ledger/views';
import fc from 'fast-check';
import type { Pool } from 'pg';
import {
  exportControlsActive,
  licences,
  measureState,
  tariffChangesBetween,
  tariffList,
  tariffsEffective,
} from '../src';
import { Ledger } from './envelopes';

/**
 * Random histories of a few measures and random (asOf, knownAt) probes, shared by the property
 * tests that hold the read models to the in-memory evaluator. The histories ignore the
 * deciders' rules on purpose (rates before the start, lifts after the end, removals of absent
 * items, licence decisions taking effect before or after they are recorded, revocations before
 * approvals, retractions of retractions…), so both must agree on odd inputs too; they keep the
 * journal's own guarantees (gapless per-stream versions, hash chains, valid event data).
 */

const BASE = Date.parse('2025-01-01T00:00:00.000Z');
const DAY = 86_400_000;
const dayAt = (n: number): string => new Date(BASE + n * DAY).toISOString();

export const STREAMS = [
  { id: 'tariff-one', type: 'tariff' },
  { id: 'tariff-two', type: 'tariff' },
  { id: 'tariff-three', type: 'tariff' },
  { id: 'control-one', type: 'control' },
  { id: 'control-two', type: 'control' },
  { id: 'licence-one', type: 'licence' },
  { id: 'licence-two', type: 'licence' },
] as const;
type StreamKind = (typeof STREAMS)[number]['type'];

const ITEMS: readonly ControlledItem[] = [
  { element: 'Sm', controlCode: '1C902.a', description: 'samarium' },
  { element: 'Dy', controlCode: '1C902.d', description: 'dysprosium metal' },
  { element: 'Dy', hsCode: '2846', description: 'dysprosium compounds' },
  { hsCode: '8505', description: 'permanent magnets' },
  { element: 'Tb', description: 'terbium' },
];
const REMOVALS: readonly ControlledItem[] = [
  { element: 'Dy', description: 'all dysprosium' },
  { controlCode: '1C902.a', description: 'samarium items' },
  { hsCode: '8505', description: 'magnets' },
  { element: 'Tb', hsCode: '2846', description: 'terbium compounds (none listed)' },
];

/** Product codes at every length, nested, so that queries meet coarser, equal and finer codes. */
const CODES = [
  '85',
  '8505',
  '850511',
  '85051190',
  '8505119000',
  '72',
  '720810',
  '8471',
  '847130',
  '8471300100',
];
const codes = fc.subarray(CODES, { maxLength: 3 });

const day = fc.integer({ min: 0, max: 20 });
const duration = fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined });
const rate = fc.constantFrom(0, 5, 10, 12.5, 25, 125);
/** The legal reference of a rate: a chapter 99 heading and an instrument, or unknown (null). */
const heading = fc.constantFrom<string | null>('9903.01.24', '9903.01.25', '9903.01.63', null);
const instrument = fc.constantFrom<string | null>('Executive Order 14257', 'Executive Order 14259', null);

const creation = fc.record({
  reach: fc.constantFrom<{ targets: Jurisdiction[]; excluded?: Jurisdiction[] }>(
    { targets: ['*'] },
    { targets: ['*'], excluded: ['VN'] },
    { targets: ['CN'] },
    { targets: ['CN', 'VN'] },
  ),
  program: fc.constantFrom<string>('P1', 'P2'),
  products: fc.constantFrom<ProductScope>(
    { scope: 'all' },
    { scope: 'all', excludedCodes: ['8505'] },
    { scope: 'codes', codes: ['85'] },
    { scope: 'codes', codes: ['850511', '72'] },
    { scope: 'codes', codes: ['8471300100', '85051190'] },
  ),
  items: fc.subarray([...ITEMS], { minLength: 1 }),
  rate,
  heading,
  from: day,
  duration,
  // A tariff stream sometimes starts as an announcement, imposed (or not) by a later follow-up.
  announced: fc.constantFrom(false, false, false, true),
});
type Creation = typeof creation extends fc.Arbitrary<infer T> ? T : never;

const retraction = fc.record({
  kind: fc.constant('retraction' as const),
  // Retracting the creation voids the whole stream, so it is drawn less often than a later
  // event; a retraction of a retraction is drawn often (when the stream holds a retraction):
  // the journal accepts it, and the retracted event must not come back.
  target: fc.oneof(
    { weight: 6, arbitrary: fc.constant('later event' as const) },
    { weight: 4, arbitrary: fc.constant('retraction' as const) },
    { weight: 1, arbitrary: fc.constant('creation' as const) },
  ),
  pick: fc.nat(),
});
type Retraction = typeof retraction extends fc.Arbitrary<infer T> ? T : never;

const suspension = fc.record({ kind: fc.constant('suspension' as const), from: day, duration });
// atEnd: exactly where the stream's latest-named end is, the boundary the rules must agree on.
const lift = fc.record({ kind: fc.constant('lift' as const), from: day, atEnd: fc.boolean() });
const validity = fc.record({ kind: fc.constant('validity' as const), to: fc.option(day, { nil: null }) });

const rateChange = fc.record({
  kind: fc.constant('rate' as const),
  rate,
  heading,
  instrument,
  from: day,
  duration,
});
const pointSuspension = fc.record({
  kind: fc.constant('points' as const),
  points: fc.constantFrom(2.5, 5, 10, 24, 200),
  provision: fc.option(fc.constant('part of the rate'), { nil: undefined }),
  from: day,
  duration,
});
// Programs of other layers (P1, P2, P3), of none (P4) and, unchecked by the ledger here, the
// layer's own: the evaluator and the SQL must agree on all of them.
const stackedPrograms = ['P1', 'P2', 'P3', 'P4'];
const stackingRulesFrom = (from: fc.Arbitrary<number>, length: fc.Arbitrary<number | undefined>) =>
  fc.record({
    kind: fc.constant('stacking' as const),
    notStackedOn: fc.option(fc.subarray(stackedPrograms), { nil: undefined }),
    displaces: fc.option(fc.subarray(stackedPrograms), { nil: undefined }),
    cap: fc.option(
      fc.record({
        total: fc.constantFrom(0, 10, 15, 30),
        including: fc.subarray(stackedPrograms, { minLength: 1 }),
      }),
      { nil: undefined },
    ),
    from,
    duration: length,
  });
const stackingRules = stackingRulesFrom(day, duration);

/** Follow-ups drawn per stream type, so that every draw records an event of that stream. */
const tariffFollowUp = fc.oneof(
  { weight: 4, arbitrary: rateChange },
  { weight: 4, arbitrary: suspension },
  { weight: 4, arbitrary: lift },
  { weight: 4, arbitrary: validity },
  { weight: 4, arbitrary: retraction },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('imposition' as const), rate, heading, from: day, duration }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdrawal' as const), from: day }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('postponement' as const), from: day }) },
  { weight: 2, arbitrary: pointSuspension },
  { weight: 3, arbitrary: stackingRules },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('products' as const),
      add: codes,
      remove: codes,
      exclude: fc.array(
        fc.record({
          code: fc.constantFrom(...CODES),
          list: fc.option(fc.constantFrom('Annex II', 'Annex to the memorandum'), { nil: undefined }),
          description: fc.option(fc.constant('electronics'), { nil: undefined }),
        }),
        { maxLength: 2 },
      ),
      reinclude: codes,
      from: day,
    }),
  },
);
const controlFollowUp = fc.oneof(
  fc.record({
    kind: fc.constant('amendment' as const),
    add: fc.subarray([...ITEMS]),
    remove: fc.subarray([...REMOVALS]),
    from: day,
  }),
  suspension,
  lift,
  validity,
  fc.record({ kind: fc.constant('report' as const), count: fc.option(fc.nat({ max: 50 }), { nil: null }) }),
  retraction,
);
const licenceFollowUp = fc.oneof(
  fc.record({ kind: fc.constant('approval' as const), from: day, duration }),
  fc.record({ kind: fc.constant('denial' as const), from: day }),
  fc.record({ kind: fc.constant('revocation' as const), from: day, atEnd: fc.boolean() }),
  retraction,
);

const ofType = <T extends StreamKind, F>(type: T, followUp: fc.Arbitrary<F>) =>
  fc.record({
    type: fc.constant(type),
    stream: fc.constantFrom(...STREAMS.filter((stream) => stream.type === type).map((stream) => stream.id)),
    creation,
    followUp,
  });

/** One step of a history: creates the stream when it has no event yet, else records the follow-up. */
export const action = fc.oneof(
  { weight: 4, arbitrary: ofType('tariff', tariffFollowUp) },
  { weight: 2, arbitrary: ofType('control', controlFollowUp) },
  { weight: 2, arbitrary: ofType('licence', licenceFollowUp) },
);
export type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;
type FollowUpOf<T extends StreamKind> = Extract<Action, { type: T }>['followUp'];

/**
 * Tariffs of three programs from everywhere on (mostly) every product, with stacking rules and
 * what moves their layers: histories in which layers of several programs meet often, which the
 * histories above seldom make.
 */
const stackedAction = fc.record({
  type: fc.constant('tariff' as const),
  stream: fc.constantFrom(...STREAMS.filter((stream) => stream.type === 'tariff').map((stream) => stream.id)),
  creation: fc
    .tuple(
      creation,
      fc.constantFrom<string>('P1', 'P2', 'P3'),
      fc.constantFrom<ProductScope>(
        { scope: 'all' },
        { scope: 'all' },
        { scope: 'codes', codes: ['850511', '72'] },
      ),
    )
    .map(([made, program, products]) => ({
      ...made,
      // Early and open-ended, so that layers of several programs are in force together.
      from: made.from % 4,
      duration: undefined,
      reach: { targets: ['*'] },
      program,
      products,
      announced: false,
    })),
  followUp: fc.oneof(
    {
      weight: 4,
      arbitrary: stackingRulesFrom(fc.integer({ min: 0, max: 6 }), fc.constantFrom(undefined, 8)),
    },
    { weight: 2, arbitrary: rateChange },
    { weight: 1, arbitrary: pointSuspension },
    { weight: 1, arbitrary: suspension },
    { weight: 1, arbitrary: retraction },
  ),
});

/**
 * Where a probe's knownAt falls: mostly exactly at, or just before, an instant an event was
 * recorded (inside the history, where what was known changes), sometimes before the first
 * event or at and after the last one.
 */
const knownAt = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.record({
      near: fc.constant('recorded' as const),
      pick: fc.nat(),
      justBefore: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({ near: fc.constant('before-first' as const), days: fc.nat({ max: 5 }) }),
  },
  { weight: 1, arbitrary: fc.record({ near: fc.constant('after-last' as const), days: fc.nat({ max: 5 }) }) },
);

export const probe = fc.record({
  asOf: fc.integer({ min: -2, max: 44 }).map((half) => new Date(BASE + (half * DAY) / 2).toISOString()),
  // Rules differ exactly at boundaries: often probe at an instant the history names instead.
  boundary: fc.option(fc.nat(), { nil: undefined }),
  knownAt,
  origin: fc.constantFrom('CN', 'VN', 'DE'),
  product: fc.constantFrom('850511', '8505', '85051190', '720810', '85', '8471', '847130', '8471300100'),
  item: fc.constantFrom(undefined, 'Dy', 'dy', '1C902.A', '850511', '284610', '28', 'Tb'),
  destination: fc.constantFrom(undefined, 'US', 'DE', 'VN'),
  status: fc.constantFrom(undefined, ...LICENCE_VIEW_STATUSES),
  program: fc.constantFrom(undefined, 'P1', 'P2'),
});

export type Probe = typeof probe extends fc.Arbitrary<infer T> ? T : never;

/**
 * The three inputs of a property-test run: a history (as actions), where to cut it into
 * batches, and probes. `size: 'max'` spreads lengths over the whole range instead of
 * fast-check's small default.
 */
export function propertyCases(
  bounds: { maxActions: number; maxCuts: number; maxProbes: number },
  actions: fc.Arbitrary<Action> = action,
) {
  return {
    histories: fc.array(actions, { minLength: 1, maxLength: bounds.maxActions, size: 'max' }),
    cuts: fc.array(fc.nat(), { maxLength: bounds.maxCuts, size: 'max' }),
    probes: fc.array(probe, { minLength: 1, maxLength: bounds.maxProbes, size: 'max' }),
  };
}
export type PropertyCases = ReturnType<typeof propertyCases>;

/** The Postgres read models against the evaluator: cheap runs, so long histories and many probes. */
export const EQUIVALENCE_CASES = propertyCases({ maxActions: 60, maxCuts: 6, maxProbes: 6 });
/** Histories of tariffs whose layers meet, with stacking rules. */
export const STACKING_CASES = propertyCases({ maxActions: 20, maxCuts: 4, maxProbes: 6 }, stackedAction);
/** Through a topic and two projector group members: each run costs a topic and two databases. */
export const TOPIC_CASES = propertyCases({ maxActions: 60, maxCuts: 4, maxProbes: 4 });

/** Every valid-time instant the events name: where a status or a rate may change. */
export function boundaries(events: readonly AnyEventEnvelope[]): string[] {
  const named = events.flatMap((event) =>
    Object.entries(event.data).flatMap(([field, value]) =>
      ['validFrom', 'validTo', 'decidedAt', 'withdrawnAt'].includes(field) && typeof value === 'string'
        ? [value]
        : [],
    ),
  );
  return [...new Set(named)].sort();
}

/** The (asOf, knownAt) a probe asks at, for this history. */
export function probeInstants(events: readonly AnyEventEnvelope[], probed: Probe): Bitemporal {
  const instants = boundaries(events);
  const asOf =
    probed.boundary === undefined || instants.length === 0
      ? probed.asOf
      : instants[probed.boundary % instants.length];
  const recorded = [...new Set(events.map((event) => Date.parse(event.recordedAt)))].sort((a, b) => a - b);
  const near = probed.knownAt;
  const time =
    near.near === 'recorded'
      ? recorded[near.pick % recorded.length] - (near.justBefore ? 1 : 0)
      : near.near === 'before-first'
        ? recorded[0] - 1 - near.days * DAY
        : recorded[recorded.length - 1] + near.days * DAY;
  return { asOf, knownAt: new Date(time).toISOString() };
}

export type KnownAtPlace =
  'before the first event' | 'inside the recorded span' | 'at or after the last event';

/** Where knownAt falls: inside the span some events are known and some are not yet. */
export function knownAtPlace(events: readonly AnyEventEnvelope[], knownAt: string): KnownAtPlace {
  const time = Date.parse(knownAt);
  const recorded = events.map((event) => Date.parse(event.recordedAt));
  if (time < Math.min(...recorded)) return 'before the first event';
  if (time >= Math.max(...recorded)) return 'at or after the last event';
  return 'inside the recorded span';
}

/** Interprets the actions as one history: a stream's first action creates it. */
export function history(actions: readonly Action[]): AnyEventEnvelope[] {
  const ledger = new Ledger();
  actions.forEach((step, index) => {
    const at = dayAt(index);
    const own = ledger.events.filter((event) => event.streamId === step.stream);
    if (own.length === 0) {
      create(ledger, step.type, step.stream, step.creation, at);
      return;
    }
    const recorder = new FollowUps(ledger, step.stream, own, at);
    switch (step.type) {
      case 'tariff':
        recorder.tariff(step.followUp);
        return;
      case 'control':
        recorder.control(step.followUp);
        return;
      case 'licence':
        recorder.licence(step.followUp);
        return;
    }
  });
  return ledger.events;
}

const until = (from: number, length: number | undefined) =>
  length === undefined ? undefined : dayAt(from + length);

function create(ledger: Ledger, type: StreamKind, streamId: string, made: Creation, at: string): void {
  switch (type) {
    case 'tariff': {
      const measure = {
        imposer: 'US',
        targets: made.reach.targets,
        excludedTargets: made.reach.excluded,
        program: made.program,
        products: made.products,
        title: `${streamId} duty`,
        announcedAt: at,
        rate: made.rate,
        validFrom: dayAt(made.from),
        validTo: until(made.from, made.duration),
      };
      if (made.announced) {
        ledger.record(
          streamId,
          'TariffAnnounced',
          made.program === 'P1' ? { ...measure, legalInstrument: `${streamId} basis` } : measure,
          { at },
        );
      } else {
        ledger.record(
          streamId,
          'TariffImposed',
          { ...measure, legalInstrument: `${streamId} order`, heading: made.heading },
          { at },
        );
      }
      return;
    }
    case 'control':
      ledger.record(
        streamId,
        'ExportControlImposed',
        {
          imposer: 'CN',
          destinations: made.reach.targets.includes('*') ? ['*'] : ['US', 'DE'],
          excludedDestinations: made.reach.excluded?.map(() => 'US'),
          kind: made.program === 'P1' ? 'licence-required' : 'prohibited',
          items: made.items,
          legalInstrument: `${streamId} announcement`,
          announcedAt: at,
          validFrom: dayAt(made.from),
          validTo: until(made.from, made.duration),
        },
        { at },
      );
      return;
    case 'licence':
      ledger.record(
        streamId,
        'LicenceApplied',
        {
          exportControlId: 'control-one',
          exporter: 'Baotou Magnets',
          destination: made.program === 'P1' ? 'US' : 'DE',
          items: made.items,
          appliedAt: at,
        },
        { at },
      );
      return;
  }
}

/** Records one follow-up on an existing stream; every follow-up of the stream's type records an event. */
class FollowUps {
  constructor(
    private readonly ledger: Ledger,
    private readonly streamId: string,
    private readonly own: readonly AnyEventEnvelope[],
    private readonly at: string,
  ) {}

  tariff(next: FollowUpOf<'tariff'>): void {
    const { ledger, streamId, at } = this;
    switch (next.kind) {
      case 'rate':
        ledger.record(
          streamId,
          'TariffRateChanged',
          {
            rate: next.rate,
            validFrom: dayAt(next.from),
            validTo: until(next.from, next.duration),
            heading: next.heading,
            instrument: next.instrument,
          },
          { at },
        );
        return;
      case 'products':
        ledger.record(
          streamId,
          'TariffProductsAmended',
          {
            validFrom: dayAt(next.from),
            add: next.add,
            remove: next.remove,
            exclude: next.exclude.map(({ code, list, description }) => ({
              code,
              ...(list === undefined ? {} : { list }),
              ...(description === undefined ? {} : { description }),
            })),
            reinclude: next.reinclude,
          },
          { at },
        );
        return;
      case 'suspension':
        ledger.record(
          streamId,
          'TariffSuspended',
          { validFrom: dayAt(next.from), validTo: until(next.from, next.duration) },
          { at },
        );
        return;
      case 'lift':
        ledger.record(streamId, 'TariffLifted', { validFrom: this.cutFrom(next.from, next.atEnd) }, { at });
        return;
      case 'validity':
        ledger.record(
          streamId,
          'TariffValidityChanged',
          { validTo: next.to === null ? null : dayAt(next.to) },
          { at },
        );
        return;
      case 'imposition': {
        // Implements an announcement (or, ignoring the rules, re-imposes) with the stream's own reach.
        const creation = this.own.find(
          (event): event is EventEnvelope<'TariffImposed'> | EventEnvelope<'TariffAnnounced'> =>
            event.type === 'TariffImposed' || event.type === 'TariffAnnounced',
        );
        if (creation === undefined) throw new Error(`${streamId} has no creation`);
        ledger.record(
          streamId,
          'TariffImposed',
          {
            ...creation.data,
            legalInstrument: `${streamId} order`,
            heading: next.heading,
            rate: next.rate,
            validFrom: dayAt(next.from),
            validTo: until(next.from, next.duration),
          },
          { at },
        );
        return;
      }
      case 'withdrawal':
        ledger.record(
          streamId,
          'TariffWithdrawn',
          { withdrawnAt: dayAt(next.from), reason: 'not implemented' },
          { at },
        );
        return;
      case 'postponement':
        ledger.record(streamId, 'TariffPostponed', { validFrom: dayAt(next.from) }, { at });
        return;
      case 'points':
        ledger.record(
          streamId,
          'TariffPointsSuspended',
          {
            points: next.points,
            provision: next.provision,
            validFrom: dayAt(next.from),
            validTo: until(next.from, next.duration),
          },
          { at },
        );
        return;
      case 'stacking':
        ledger.record(
          streamId,
          'TariffStackingRulesSet',
          {
            notStackedOn: next.notStackedOn,
            displaces: next.displaces,
            cap: next.cap,
            validFrom: dayAt(next.from),
            validTo: until(next.from, next.duration),
          },
          { at },
        );
        return;
      case 'retraction':
        this.retract(next);
        return;
    }
  }

  control(next: FollowUpOf<'control'>): void {
    const { ledger, streamId, at } = this;
    switch (next.kind) {
      case 'amendment':
        ledger.record(
          streamId,
          'ExportControlItemsAmended',
          { add: next.add, remove: next.remove, validFrom: dayAt(next.from) },
          { at },
        );
        return;
      case 'suspension':
        ledger.record(
          streamId,
          'ExportControlSuspended',
          { validFrom: dayAt(next.from), validTo: until(next.from, next.duration) },
          { at },
        );
        return;
      case 'lift':
        ledger.record(
          streamId,
          'ExportControlLifted',
          { validFrom: this.cutFrom(next.from, next.atEnd) },
          { at },
        );
        return;
      case 'validity':
        ledger.record(
          streamId,
          'ExportControlValidityChanged',
          { validTo: next.to === null ? null : dayAt(next.to) },
          { at },
        );
        return;
      case 'report':
        ledger.record(
          streamId,
          'ExportLicencesReported',
          { count: next.count, period: { from: dayAt(0), to: at }, reportedAt: at },
          { at },
        );
        return;
      case 'retraction':
        this.retract(next);
        return;
    }
  }

  licence(next: FollowUpOf<'licence'>): void {
    const { ledger, streamId, at } = this;
    switch (next.kind) {
      case 'approval':
        ledger.record(
          streamId,
          'LicenceApproved',
          {
            decidedAt: dayAt(next.from),
            validFrom: dayAt(next.from),
            validTo: until(next.from, next.duration),
          },
          { at },
        );
        return;
      case 'denial':
        ledger.record(
          streamId,
          'LicenceDenied',
          { decidedAt: dayAt(next.from), reason: 'end use unclear' },
          { at },
        );
        return;
      case 'revocation':
        ledger.record(
          streamId,
          'LicenceRevoked',
          { validFrom: this.cutFrom(next.from, next.atEnd), reason: 'diversion' },
          { at },
        );
        return;
      case 'retraction':
        this.retract(next);
        return;
    }
  }

  /** A lift or revocation at the stream's latest-named end, or on the drawn day. */
  private cutFrom(from: number, atEnd: boolean): string {
    const latestEnd = this.own
      .flatMap((event) => ('validTo' in event.data && event.data.validTo ? [event.data.validTo] : []))
      .at(-1);
    return atEnd && latestEnd !== undefined ? latestEnd : dayAt(from);
  }

  /** Retracts an earlier event of the stream: the same one twice, the creation or a retraction included. */
  private retract({ target, pick }: Retraction): void {
    const retractions = this.own.filter((event) => event.type === 'EventRetracted');
    const later = this.own.filter((event) => event.type !== 'EventRetracted' && event.streamVersion > 1);
    let candidates: readonly AnyEventEnvelope[] = [this.own[0]];
    if (target !== 'creation' && later.length > 0) candidates = later;
    if (target === 'retraction' && retractions.length > 0) candidates = retractions;
    this.ledger.retract(candidates[pick % candidates.length], { at: this.at });
  }
}

/** Cuts the history into consecutive batches at the given points. */
export function batches(events: readonly AnyEventEnvelope[], cuts: readonly number[]): AnyEventEnvelope[][] {
  const points = [...new Set(cuts.map((cut) => cut % (events.length + 1)))].sort((a, b) => a - b);
  const result: AnyEventEnvelope[][] = [];
  let start = 0;
  for (const point of [...points, events.length]) {
    if (point > start) result.push(events.slice(start, point));
    start = Math.max(start, point);
  }
  return result;
}

/** Asks the read models in `pool` every probe and expects exactly the evaluator's answers over `events`. */
export async function expectEvaluatorAnswers(
  pool: Pool,
  events: readonly AnyEventEnvelope[],
  probes: readonly Probe[],
): Promise<void> {
  for (const probed of probes) {
    const { origin, product, item, destination, status } = probed;
    const at = probeInstants(events, probed);
    const tariffQuery = { imposer: 'US', origin, product, ...at };
    const controlQuery = { imposer: 'CN', item, destination, ...at };
    // One probe's questions go to Postgres together: a run waits on round trips, not on work.
    const listQuery = { imposer: 'US', origin, program: probed.program, ...at };
    const [tariffs, tariffsListed, controls, measures, listed] = await Promise.all([
      tariffsEffective(pool, tariffQuery),
      tariffList(pool, listQuery),
      exportControlsActive(pool, controlQuery),
      Promise.all(STREAMS.map(({ id }) => measureState(pool, id, at))),
      licences(pool, { status, asOf: at.asOf, limit: 10 }),
    ]);
    expect(tariffs).toEqual(evaluateTariffs(events, tariffQuery));
    expect(tariffsListed).toEqual(evaluateTariffList(events, listQuery));
    expect(controls).toEqual(evaluateExportControls(events, controlQuery));
    expect(measures).toEqual(STREAMS.map(({ id }) => evaluateMeasure(events, id, at)));
    expect(listed.licences).toEqual(evaluateLicences(events, { status }, at.asOf));
  }
  // Without asOf the listing holds at the database's now, long after every generated instant.
  expect((await licences(pool, { limit: 10 })).licences).toEqual(
    evaluateLicences(events, {}, new Date().toISOString()),
  );
}

/**
 * A question about changes: [from, to) in valid time from a probe's asOf, or in recorded time
 * around the days events were recorded on (both axes read the same range).
 */
export const changesProbe = fc.record({
  probe,
  axis: fc.constantFrom('valid' as const, 'recorded' as const),
  start: fc.integer({ min: -2, max: 60 }),
  days: fc.integer({ min: 0, max: 30 }),
});
export type ChangesProbe = typeof changesProbe extends fc.Arbitrary<infer T> ? T : never;

/** The question a changes probe asks of this history. */
export function changesQuery(events: readonly AnyEventEnvelope[], probed: ChangesProbe): TariffChangesQuery {
  const at = probeInstants(events, probed.probe);
  const from =
    probed.axis === 'valid'
      ? Date.parse(at.asOf)
      : Date.parse(events[0].recordedAt) + (probed.start * DAY) / 2;
  return {
    imposer: 'US',
    origin: probed.probe.origin,
    product: probed.probe.product,
    from: new Date(from).toISOString(),
    to: new Date(from + probed.days * DAY).toISOString(),
    knownAt: at.knownAt,
  };
}

/** The evaluator's changes, or its refusal: what the read models must answer too. */
export async function changesOutcome(
  answer: () => Promise<TariffChanges> | TariffChanges,
): Promise<{ answer: TariffChanges } | { refused: string }> {
  try {
    return { answer: await answer() };
  } catch (error) {
    if (error instanceof TariffChangesTooLarge) return { refused: error.message };
    throw error;
  }
}

/** Asks the read models what changed and expects the evaluator's changes, or the same refusal. */
export async function expectSameChanges(
  pool: Pool,
  events: readonly AnyEventEnvelope[],
  probes: readonly ChangesProbe[],
): Promise<void> {
  for (const probed of probes) {
    const query = changesQuery(events, probed);
    expect(await changesOutcome(() => tariffChangesBetween(pool, query))).toEqual(
      await changesOutcome(() => evaluateTariffChanges(events, query)),
    );
  }
}

/** What the property tests must cover often enough; the coverage test holds each to a minimum share. */
export const TRAITS = {
  fullTariff: 'a tariff with a rate change, a suspension and a lift',
  retractedRetraction: 'a retraction of a retraction',
  voidStream: 'a stream whose creation is retracted',
  busyControl: 'a control with amended items and a suspension',
  amendedProducts: 'a tariff whose products are amended twice',
  revokedLicence: 'a licence approved, then revoked',
  earlySuspension: 'a suspension from before the measure takes effect',
  earlyLift: 'a lift from before the measure takes effect',
  implementedAnnouncement: 'an announced tariff imposed on its own stream',
  partlySuspended: 'an imposed tariff with suspended points',
  stacked: 'an imposed tariff with stacking rules',
  postponedStart: 'a tariff whose start is postponed',
  long: 'at least 30 events',
} as const;

/** Whether a stream holds an event of one of `types` taking effect before its creation's validFrom. */
function beforeStart(stream: readonly AnyEventEnvelope[], types: readonly string[]): boolean {
  const creation = stream
    .filter((event) => event.type === 'TariffImposed' || event.type === 'ExportControlImposed')
    .at(-1);
  if (creation === undefined || !('validFrom' in creation.data)) return false;
  const start = Date.parse(creation.data.validFrom);
  return stream.some(
    (event) =>
      types.includes(event.type) && 'validFrom' in event.data && Date.parse(event.data.validFrom) < start,
  );
}

/** The traits a history has, as fc.statistics labels. */
export function historyTraits(events: readonly AnyEventEnvelope[]): string[] {
  const byId = new Map(events.map((event) => [event.id, event]));
  const types = new Map<string, Set<string>>();
  for (const event of events)
    types.set(event.streamId, (types.get(event.streamId) ?? new Set()).add(event.type));
  const someStream = (test: (types: ReadonlySet<string>) => boolean) => [...types.values()].some(test);
  const streams = new Map<string, AnyEventEnvelope[]>();
  for (const event of events) streams.set(event.streamId, [...(streams.get(event.streamId) ?? []), event]);
  const someStreamStarting = (types: readonly string[]) =>
    [...streams.values()].some((stream) => beforeStart(stream, types));
  const retracted = events.flatMap((event) =>
    event.type === 'EventRetracted' ? [byId.get(event.data.retractedEventId)] : [],
  );
  const traits: Record<keyof typeof TRAITS, boolean> = {
    fullTariff: someStream(
      (held) => held.has('TariffRateChanged') && held.has('TariffSuspended') && held.has('TariffLifted'),
    ),
    retractedRetraction: retracted.some((event) => event?.type === 'EventRetracted'),
    voidStream: retracted.some((event) => event?.streamVersion === 1),
    busyControl: someStream(
      (held) => held.has('ExportControlItemsAmended') && held.has('ExportControlSuspended'),
    ),
    amendedProducts: [...streams.values()].some(
      (stream) => stream.filter((event) => event.type === 'TariffProductsAmended').length >= 2,
    ),
    revokedLicence: someStream((held) => held.has('LicenceApproved') && held.has('LicenceRevoked')),
    earlySuspension: someStreamStarting(['TariffSuspended', 'ExportControlSuspended']),
    earlyLift: someStreamStarting(['TariffLifted', 'ExportControlLifted']),
    implementedAnnouncement: someStream((held) => held.has('TariffAnnounced') && held.has('TariffImposed')),
    partlySuspended: someStream((held) => held.has('TariffImposed') && held.has('TariffPointsSuspended')),
    postponedStart: someStream((held) => held.has('TariffPostponed')),
    stacked: someStream((held) => held.has('TariffImposed') && held.has('TariffStackingRulesSet')),
    long: events.length >= 30,
  };
  return Object.entries(traits).flatMap(([trait, has]) =>
    has ? [TRAITS[trait as keyof typeof TRAITS]] : [],
  );
}
