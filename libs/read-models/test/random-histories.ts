import type { AnyEventEnvelope, ControlledItem, Jurisdiction, ProductScope } from '@ledger/contracts';
import {
  LICENCE_VIEW_STATUSES,
  evaluateExportControls,
  evaluateLicences,
  evaluateMeasure,
  evaluateTariffs,
} from '@ledger/domain';
import fc from 'fast-check';
import type { Pool } from 'pg';
import { exportControlsActive, licences, measureState, tariffsEffective } from '../src';
import { Ledger } from './envelopes';

/**
 * Random histories of a few measures and random (asOf, knownAt) probes, shared by the property
 * tests that hold the read models to the in-memory evaluator. The histories ignore the
 * deciders' rules on purpose (rates before the start, lifts after the end, removals of absent
 * items, licence decisions taking effect before or after they are recorded, revocations before
 * approvals…), so both must agree on odd inputs too; they keep the journal's own guarantees
 * (gapless per-stream versions, hash chains, valid event data).
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

const day = fc.integer({ min: 0, max: 20 });
const duration = fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined });
const rate = fc.constantFrom(0, 5, 10, 12.5, 25, 125);

const creation = fc.record({
  reach: fc.constantFrom<{ targets: Jurisdiction[]; excluded?: Jurisdiction[] }>(
    { targets: ['*'] },
    { targets: ['*'], excluded: ['VN'] },
    { targets: ['CN'] },
    { targets: ['CN', 'VN'] },
  ),
  program: fc.constantFrom('P1', 'P2'),
  products: fc.constantFrom<ProductScope>(
    { scope: 'all' },
    { scope: 'all', excludedCodes: ['8505'] },
    { scope: 'codes', codes: ['85'] },
    { scope: 'codes', codes: ['850511', '72'] },
  ),
  items: fc.subarray([...ITEMS], { minLength: 1 }),
  rate,
  from: day,
  duration,
});

const followUp = fc.oneof(
  fc.record({ kind: fc.constant('rate' as const), rate, from: day, duration }),
  fc.record({ kind: fc.constant('suspension' as const), from: day, duration }),
  // atEnd: exactly where the stream's latest-named end is, the boundary the rules must agree on.
  fc.record({ kind: fc.constant('lift' as const), from: day, atEnd: fc.boolean() }),
  fc.record({ kind: fc.constant('validity' as const), to: fc.option(day, { nil: null }) }),
  fc.record({ kind: fc.constant('retraction' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('amendment' as const),
    add: fc.subarray([...ITEMS]),
    remove: fc.subarray([...REMOVALS]),
    from: day,
  }),
  fc.record({ kind: fc.constant('report' as const), count: fc.option(fc.nat({ max: 50 }), { nil: null }) }),
);

export const action = fc.record({ stream: fc.nat({ max: STREAMS.length - 1 }), creation, followUp });
export type Action = typeof action extends fc.Arbitrary<infer T> ? T : never;

export const probe = fc.record({
  asOf: fc.integer({ min: -2, max: 44 }).map((half) => new Date(BASE + (half * DAY) / 2).toISOString()),
  // Rules differ exactly at boundaries: often probe at an instant the history names instead.
  boundary: fc.option(fc.nat(), { nil: undefined }),
  // Exactly at a recordedAt, or just before one.
  knownAt: fc
    .tuple(fc.integer({ min: 0, max: 30 }), fc.boolean())
    .map(([n, before]) => new Date(BASE + n * DAY - (before ? 1 : 0)).toISOString()),
  origin: fc.constantFrom('CN', 'VN', 'DE'),
  product: fc.constantFrom('850511', '8505', '85051190', '720810', '85'),
  item: fc.constantFrom(undefined, 'Dy', 'dy', '1C902.A', '850511', '284610', '28', 'Tb'),
  destination: fc.constantFrom(undefined, 'US', 'DE', 'VN'),
  status: fc.constantFrom(undefined, ...LICENCE_VIEW_STATUSES),
});

export type Probe = typeof probe extends fc.Arbitrary<infer T> ? T : never;

/** Every valid-time instant the events name: where a status or a rate may change. */
function boundaries(events: readonly AnyEventEnvelope[]): string[] {
  const named = events.flatMap((event) =>
    Object.entries(event.data).flatMap(([field, value]) =>
      ['validFrom', 'validTo', 'decidedAt'].includes(field) && typeof value === 'string' ? [value] : [],
    ),
  );
  return [...new Set(named)].sort();
}

/** Interprets the actions as one history: a stream's first action creates it. */
export function history(actions: readonly Action[]): AnyEventEnvelope[] {
  const ledger = new Ledger();
  actions.forEach(({ stream: index, creation: made, followUp: next }, step) => {
    const stream = STREAMS[index];
    const at = dayAt(step);
    const own = ledger.events.filter((event) => event.streamId === stream.id);
    const until = (from: number, length: number | undefined) =>
      length === undefined ? undefined : dayAt(from + length);
    const latestEnd = own
      .flatMap((event) => ('validTo' in event.data && event.data.validTo ? [event.data.validTo] : []))
      .at(-1);
    const cutFrom = (from: number, atEnd: boolean): string =>
      atEnd && latestEnd !== undefined ? latestEnd : dayAt(from);
    if (own.length === 0) {
      if (stream.type === 'tariff') {
        ledger.record(
          stream.id,
          'TariffImposed',
          {
            imposer: 'US',
            targets: made.reach.targets,
            excludedTargets: made.reach.excluded,
            program: made.program,
            products: made.products,
            title: `${stream.id} duty`,
            legalInstrument: `${stream.id} order`,
            announcedAt: at,
            rate: made.rate,
            validFrom: dayAt(made.from),
            validTo: until(made.from, made.duration),
          },
          { at },
        );
      } else if (stream.type === 'control') {
        ledger.record(
          stream.id,
          'ExportControlImposed',
          {
            imposer: 'CN',
            destinations: made.reach.targets.includes('*') ? ['*'] : ['US', 'DE'],
            excludedDestinations: made.reach.excluded?.map(() => 'US'),
            kind: made.program === 'P1' ? 'licence-required' : 'prohibited',
            items: made.items,
            legalInstrument: `${stream.id} announcement`,
            announcedAt: at,
            validFrom: dayAt(made.from),
            validTo: until(made.from, made.duration),
          },
          { at },
        );
      } else {
        ledger.record(
          stream.id,
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
      }
      return;
    }
    if (next.kind === 'retraction') {
      const retractable = own.filter((event) => event.type !== 'EventRetracted');
      ledger.retract(retractable[next.pick % retractable.length], { at });
      return;
    }
    switch (stream.type) {
      case 'tariff':
        switch (next.kind) {
          case 'rate':
            ledger.record(
              stream.id,
              'TariffRateChanged',
              { rate: next.rate, validFrom: dayAt(next.from), validTo: until(next.from, next.duration) },
              { at },
            );
            return;
          case 'suspension':
            ledger.record(
              stream.id,
              'TariffSuspended',
              { validFrom: dayAt(next.from), validTo: until(next.from, next.duration) },
              { at },
            );
            return;
          case 'lift':
            ledger.record(stream.id, 'TariffLifted', { validFrom: cutFrom(next.from, next.atEnd) }, { at });
            return;
          case 'validity':
            ledger.record(
              stream.id,
              'TariffValidityChanged',
              { validTo: next.to === null ? null : dayAt(next.to) },
              { at },
            );
            return;
          case 'amendment':
          case 'report':
            return;
        }
        return;
      case 'control':
        switch (next.kind) {
          case 'amendment':
            ledger.record(
              stream.id,
              'ExportControlItemsAmended',
              { add: next.add, remove: next.remove, validFrom: dayAt(next.from) },
              { at },
            );
            return;
          case 'suspension':
            ledger.record(
              stream.id,
              'ExportControlSuspended',
              { validFrom: dayAt(next.from), validTo: until(next.from, next.duration) },
              { at },
            );
            return;
          case 'lift':
            ledger.record(
              stream.id,
              'ExportControlLifted',
              { validFrom: cutFrom(next.from, next.atEnd) },
              { at },
            );
            return;
          case 'validity':
            ledger.record(
              stream.id,
              'ExportControlValidityChanged',
              { validTo: next.to === null ? null : dayAt(next.to) },
              { at },
            );
            return;
          case 'report':
            ledger.record(
              stream.id,
              'ExportLicencesReported',
              { count: next.count, period: { from: dayAt(0), to: at }, reportedAt: at },
              { at },
            );
            return;
          case 'rate':
            return;
        }
        return;
      case 'licence':
        switch (next.kind) {
          case 'rate':
            ledger.record(
              stream.id,
              'LicenceApproved',
              {
                decidedAt: dayAt(next.from),
                validFrom: dayAt(next.from),
                validTo: until(next.from, next.duration),
              },
              { at },
            );
            return;
          case 'suspension':
            ledger.record(
              stream.id,
              'LicenceDenied',
              { decidedAt: dayAt(next.from), reason: 'end use unclear' },
              { at },
            );
            return;
          case 'lift':
            ledger.record(
              stream.id,
              'LicenceRevoked',
              { validFrom: cutFrom(next.from, next.atEnd), reason: 'diversion' },
              { at },
            );
            return;
          case 'validity':
          case 'amendment':
          case 'report':
            return;
        }
    }
  });
  return ledger.events;
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
  const instants = boundaries(events);
  for (const { boundary, knownAt, origin, product, item, destination, status, ...probed } of probes) {
    const asOf =
      boundary === undefined || instants.length === 0 ? probed.asOf : instants[boundary % instants.length];
    const tariffQuery = { imposer: 'US', origin, product, asOf, knownAt };
    expect(await tariffsEffective(pool, tariffQuery)).toEqual(evaluateTariffs(events, tariffQuery));
    const controlQuery = { imposer: 'CN', item, destination, asOf, knownAt };
    expect(await exportControlsActive(pool, controlQuery)).toEqual(
      evaluateExportControls(events, controlQuery),
    );
    for (const { id } of STREAMS) {
      expect(await measureState(pool, id, { asOf, knownAt })).toEqual(
        evaluateMeasure(events, id, { asOf, knownAt }),
      );
    }
    expect((await licences(pool, { status, asOf, limit: 10 })).licences).toEqual(
      evaluateLicences(events, { status }, asOf),
    );
  }
  // Without asOf the listing holds at the database's now, long after every generated instant.
  expect((await licences(pool, { limit: 10 })).licences).toEqual(
    evaluateLicences(events, {}, new Date().toISOString()),
  );
}
