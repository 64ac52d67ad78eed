import type { Bitemporal, EffectiveTariffs, TariffChanges, TariffChangesQuery } from '@ledger/views';
import { tariffChangeProbes, tariffChanges, type TariffChangeInputs } from '@ledger/views';
import { codePrefixes, instant } from './measure-timeline.sql';
import { TARIFFS_EFFECTIVE, effectiveTariffsOf, type LayerRow } from './tariffs-effective.query';
import type { Queryable } from './tables';

/**
 * $1 imposer, $2 origin: the tariffs that may concern a product from the origin (any creation
 * ever recorded, exclusions aside, whatever its products: amendments and finer lines may bring
 * any of them to it), as the evaluator pre-selects them.
 */
const CONCERNED = `
  SELECT DISTINCT m.measure_id
  FROM read_models.measures m
  WHERE m.stream_type = 'tariff-measure' AND m.imposer = $1
    AND m.targets && ARRAY[$2::text, '*']`;

/** Every valid instant (validFrom, validTo) the events of those tariffs name, whatever was known when. */
const NAMED_INSTANTS = `
  WITH concerned AS (${CONCERNED})
  SELECT (ev.envelope #>> ARRAY['data', field])::timestamptz AS instant
  FROM read_models.events ev
  JOIN concerned c ON c.measure_id = ev.stream_id
  CROSS JOIN unnest(ARRAY['validFrom', 'validTo']) AS field
  WHERE jsonb_typeof(ev.envelope #> ARRAY['data', field]) = 'string'`;

/** $3 from, $4 to: their events recorded in [from, to), in recorded order. */
const RECORDED_IN_RANGE = `
  WITH concerned AS (${CONCERNED})
  SELECT ev.event_id, ev.type, ev.stream_id, ev.recorded_at
  FROM read_models.events ev JOIN concerned c ON c.measure_id = ev.stream_id
  WHERE ev.recorded_at >= $3::timestamptz AND ev.recorded_at < $4::timestamptz
  ORDER BY ev.recorded_at, ev.position`;

/**
 * The effective-tariffs query of tariffs-effective.query.ts at many (asOf, knownAt) at once:
 * $1 and $2 become arrays of probes, each evaluated as its own (T, K).
 */
const PROBED_TARIFFS_EFFECTIVE = `
  SELECT probe.ordinal, layer.*
  FROM unnest($1::timestamptz[], $2::timestamptz[]) WITH ORDINALITY AS probe(as_of, known_at, ordinal)
  CROSS JOIN LATERAL (
    ${TARIFFS_EFFECTIVE.replaceAll('$1::timestamptz', 'probe.as_of').replaceAll('$2::timestamptz', 'probe.known_at')}
  ) layer
  ORDER BY probe.ordinal`;

if (/\$[12]\b/.test(PROBED_TARIFFS_EFFECTIVE.replace(/\$[12]::timestamptz\[\]/g, ''))) {
  throw new Error('TARIFFS_EFFECTIVE reads asOf or knownAt other than as $1::timestamptz / $2::timestamptz');
}

async function answersAt(
  db: Queryable,
  query: TariffChangesQuery,
  probes: readonly Bitemporal[],
): Promise<Map<string, EffectiveTariffs>> {
  const { rows } = await db.query<LayerRow & { ordinal: string }>(PROBED_TARIFFS_EFFECTIVE, [
    probes.map((probe) => probe.asOf),
    probes.map((probe) => probe.knownAt),
    query.imposer,
    query.origin,
    codePrefixes(query.product),
    query.product,
  ]);
  const byProbe = probes.map((): LayerRow[] => []);
  for (const row of rows) byProbe[Number(row.ordinal) - 1].push(row);
  return new Map(probes.map((probe, index) => [keyOf(probe), effectiveTariffsOf(byProbe[index], query)]));
}

function keyOf(probe: Bitemporal): string {
  return `${probe.asOf} ${probe.knownAt}`;
}

/**
 * What changed in the duty on a product between `from` and `to`, on both time axes; throws
 * TariffChangesTooLarge beyond TARIFF_CHANGE_LIMITS before evaluating anything.
 */
export async function tariffChangesBetween(db: Queryable, query: TariffChangesQuery): Promise<TariffChanges> {
  const concerned = [query.imposer, query.origin];
  const [{ rows: named }, { rows: recorded }] = await Promise.all([
    db.query<{ instant: Date }>(NAMED_INSTANTS, concerned),
    db.query<{ event_id: string; type: string; stream_id: string; recorded_at: Date }>(RECORDED_IN_RANGE, [
      ...concerned,
      query.from,
      query.to,
    ]),
  ]);
  const inputs: TariffChangeInputs = {
    validInstants: named.map((row) => instant(row.instant)),
    recorded: recorded.map((row) => ({
      eventId: row.event_id,
      type: row.type,
      streamId: row.stream_id,
      recordedAt: instant(row.recorded_at),
    })),
  };
  const answers = await answersAt(db, query, tariffChangeProbes(query, inputs));
  return tariffChanges(query, inputs, (probe) => {
    const answer = answers.get(keyOf(probe));
    if (answer === undefined) throw new Error(`no answer was evaluated at ${keyOf(probe)}`);
    return answer;
  });
}
