import type { AnyEventEnvelope, Instant } from '@ledger/contracts';
import { evaluateTariffs } from './tariffs-effective';
import { at, compareText, instant } from './time';
import type {
  Bitemporal,
  EffectiveTariffs,
  LayerChange,
  RecordedTimeChange,
  TariffChanges,
  TariffChangesQuery,
  ValidTimeChange,
} from './view-types';

/**
 * What changed in the duty on a product between two instants, on both axes of
 * docs/architecture.md §5. An answer is constant between the valid instants its events name, so
 * comparing answers at those instants finds every change; the events and the read models gather
 * the instants and the answers each their own way, and this module compares them.
 */

/**
 * Bounds on one question, so that it costs at most a few thousand evaluations (about a second):
 * each valid-time change is looked for at a named instant, each record's effect at every
 * instant the tariffs concerned name, known just before and at the record.
 */
export const TARIFF_CHANGE_LIMITS = {
  /** Valid instants named inside [from, to). */
  validInstants: 500,
  /** (instants at which events were recorded in [from, to) + 1) × valid instants the tariffs concerned name. */
  recordedComparisons: 5_000,
} as const;

/** The question would cost more than TARIFF_CHANGE_LIMITS allows: the caller narrows it. */
export class TariffChangesTooLarge extends Error {
  override readonly name = 'TariffChangesTooLarge';
}

export interface RecordedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly streamId: string;
  readonly recordedAt: Instant;
}

/** The facts change-finding needs about the tariffs that may concern the product. */
export interface TariffChangeInputs {
  /** Every valid instant their events name, whatever was known when. */
  readonly validInstants: readonly Instant[];
  /** Their events recorded in [from, to), in recorded order. */
  readonly recorded: readonly RecordedEvent[];
}

const MILLISECOND = 1;

function distinctSorted(times: readonly number[]): number[] {
  return [...new Set(times)].sort((a, b) => a - b);
}

interface Plan {
  /** The valid-time axis: asOf just before `from`, then each named instant in [from, to). */
  readonly validTimes: number[];
  /** The recorded-time axis: knowledge just before the first record, then at each record. */
  readonly knownTimes: number[];
  /** Every named valid instant: where a record's effect is looked for. */
  readonly allValidTimes: number[];
}

function plan(query: TariffChangesQuery, inputs: TariffChangeInputs): Plan {
  const from = at(query.from);
  const to = at(query.to);
  const allValidTimes = distinctSorted(inputs.validInstants.map(at));
  const inRange = allValidTimes.filter((time) => from <= time && time < to);
  if (inRange.length > TARIFF_CHANGE_LIMITS.validInstants) {
    throw new TariffChangesTooLarge(
      `${inRange.length} valid instants are named in [from, to); at most ${TARIFF_CHANGE_LIMITS.validInstants} are compared: narrow the range`,
    );
  }
  const recordedTimes = distinctSorted(inputs.recorded.map((event) => at(event.recordedAt)));
  const comparisons = recordedTimes.length === 0 ? 0 : (recordedTimes.length + 1) * allValidTimes.length;
  if (comparisons > TARIFF_CHANGE_LIMITS.recordedComparisons) {
    throw new TariffChangesTooLarge(
      `events were recorded at ${recordedTimes.length} instants in [from, to) and the tariffs concerned name ${allValidTimes.length} valid instants: ${comparisons} comparisons, at most ${TARIFF_CHANGE_LIMITS.recordedComparisons}: narrow the range`,
    );
  }
  return {
    validTimes: [from - MILLISECOND, ...inRange],
    knownTimes: recordedTimes.length === 0 ? [] : [recordedTimes[0] - MILLISECOND, ...recordedTimes],
    allValidTimes,
  };
}

/** Every (asOf, knownAt) whose answer tariffChanges will ask for; throws TariffChangesTooLarge. */
export function tariffChangeProbes(query: TariffChangesQuery, inputs: TariffChangeInputs): Bitemporal[] {
  const { validTimes, knownTimes, allValidTimes } = plan(query, inputs);
  return [
    ...validTimes.map((time) => ({ asOf: instant(time), knownAt: query.knownAt })),
    ...knownTimes.flatMap((known) =>
      allValidTimes.map((time) => ({ asOf: instant(time), knownAt: instant(known) })),
    ),
  ];
}

/** What a layer levies on the queried goods: its applied rate, and whether it covers them all. */
function dutyOf(layer: EffectiveTariffs['layers'][number]): string {
  return `${layer.appliedRate} ${layer.coverage}`;
}

/**
 * The layers whose duty differs — applied rate (a suspension of points changes it, not the legal
 * rate) or coverage (full or partial) — by program then measure id; empty when the answers agree.
 */
function layerChanges(before: EffectiveTariffs, after: EffectiveTariffs): LayerChange[] {
  const changes = new Map<
    string,
    { program: string; before: number | null; after: number | null; duties: [string | null, string | null] }
  >();
  for (const layer of before.layers) {
    changes.set(layer.measureId, {
      program: layer.program,
      before: layer.appliedRate,
      after: null,
      duties: [dutyOf(layer), null],
    });
  }
  for (const layer of after.layers) {
    const known = changes.get(layer.measureId);
    changes.set(layer.measureId, {
      program: layer.program,
      before: known?.before ?? null,
      after: layer.appliedRate,
      duties: [known?.duties[0] ?? null, dutyOf(layer)],
    });
  }
  return [...changes.entries()]
    .filter(([, change]) => change.duties[0] !== change.duties[1])
    .map(([measureId, { program, before, after }]) => ({ measureId, program, before, after }))
    .sort((a, b) => compareText(a.program, b.program) || compareText(a.measureId, b.measureId));
}

/**
 * Valid time: each instant in [from, to) where the answer as known at knownAt differs from the
 * answer just before it. Recorded time: each event recorded in [from, to) after which some
 * valid instant's answer differs from the answer just before it was recorded, with the earliest
 * such instant; events recorded at the same instant share their effect.
 */
export function tariffChanges(
  query: TariffChangesQuery,
  inputs: TariffChangeInputs,
  answer: (probe: Bitemporal) => EffectiveTariffs,
): TariffChanges {
  const { validTimes, knownTimes, allValidTimes } = plan(query, inputs);
  const answerAt = (asOf: number, knownAt: number | Instant) =>
    answer({ asOf: instant(asOf), knownAt: typeof knownAt === 'number' ? instant(knownAt) : knownAt });

  const validTime: ValidTimeChange[] = [];
  let previous = answerAt(validTimes[0], query.knownAt);
  for (const time of validTimes.slice(1)) {
    const current = answerAt(time, query.knownAt);
    const layers = layerChanges(previous, current);
    if (layers.length > 0) {
      validTime.push({ at: instant(time), totalBefore: previous.total, totalAfter: current.total, layers });
    }
    previous = current;
  }

  const recordedTime: RecordedTimeChange[] = [];
  for (let index = 1; index < knownTimes.length; index++) {
    const [knownBefore, knownAfter] = [knownTimes[index - 1], knownTimes[index]];
    for (const time of allValidTimes) {
      const before = answerAt(time, knownBefore);
      const after = answerAt(time, knownAfter);
      const layers = layerChanges(before, after);
      if (layers.length === 0) continue;
      for (const event of inputs.recorded.filter((recorded) => at(recorded.recordedAt) === knownAfter)) {
        recordedTime.push({
          ...event,
          recordedAt: instant(knownAfter),
          at: instant(time),
          totalBefore: before.total,
          totalAfter: after.total,
          layers,
        });
      }
      break;
    }
  }
  return { validTime, recordedTime };
}

/**
 * Whether a creation may concern the product from the origin, as the read models pre-select:
 * any tariff of the imposer reaching the origin (exclusions aside), whatever its products, as
 * amendments and finer lines (partial layers) may bring any of them to the product.
 */
function mayConcern(event: AnyEventEnvelope, query: TariffChangesQuery): boolean {
  if (event.type !== 'TariffImposed' && event.type !== 'TariffAnnounced') return false;
  const { imposer, targets } = event.data;
  return imposer === query.imposer && (targets.includes(query.origin) || targets.includes('*'));
}

/** Every valid instant an event's data names. */
function namedInstants(event: AnyEventEnvelope): Instant[] {
  return Object.entries(event.data).flatMap(([field, value]) =>
    (field === 'validFrom' || field === 'validTo') && typeof value === 'string' ? [value] : [],
  );
}

/** The changes, evaluated by re-reading every event (the executable specification). */
export function evaluateTariffChanges(
  events: readonly AnyEventEnvelope[],
  query: TariffChangesQuery,
): TariffChanges {
  const concerned = new Set(
    events.filter((event) => mayConcern(event, query)).map((event) => event.streamId),
  );
  const theirs = events.filter((event) => concerned.has(event.streamId));
  const [from, to] = [at(query.from), at(query.to)];
  const inputs: TariffChangeInputs = {
    validInstants: theirs.flatMap(namedInstants),
    recorded: theirs
      .filter((event) => from <= at(event.recordedAt) && at(event.recordedAt) < to)
      .sort((a, b) => at(a.recordedAt) - at(b.recordedAt) || a.position - b.position)
      .map((event) => ({
        eventId: event.id,
        type: event.type,
        streamId: event.streamId,
        recordedAt: instant(at(event.recordedAt)),
      })),
  };
  return tariffChanges(query, inputs, (probe) => evaluateTariffs(events, { ...query, ...probe }));
}
