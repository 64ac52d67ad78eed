import type { Citation } from '@ledger/contracts';
import type { EffectiveTariffs, TariffQuery } from '@ledger/domain';
import { MEASURES_AT, codePrefixes, instant, instantOrNull, knownAtK } from './measure-timeline.sql';
import type { Queryable } from './tables';

/**
 * $3 imposer, $4 origin, $5 every prefix of the product code. A tariff reaches the origin when
 * it names it or `*` and does not exclude it; it covers the product when one of its codes is a
 * prefix of it, or when it covers all products and none of its excluded codes is. Within a
 * program, layers naming the origin replace those that reach it only through `*`.
 */
const TARIFFS_EFFECTIVE = `
  WITH candidates AS (
    SELECT m.measure_id
    FROM read_models.measures m
    WHERE m.stream_type = 'tariff-measure' AND m.imposer = $3
      AND m.targets && ARRAY[$4::text, '*']
      AND (m.product_scope = 'all' OR m.product_codes && $5::text[])
  ),
  ${MEASURES_AT},
  layers AS (
    SELECT m.*, m.targets @> ARRAY[$4::text] AS names_origin
    FROM measures_at m
    WHERE m.status = 'in-force' AND m.rate IS NOT NULL
      AND m.stream_type = 'tariff-measure' AND m.imposer = $3
      AND m.targets && ARRAY[$4::text, '*']
      AND NOT m.excluded_targets @> ARRAY[$4::text]
      AND CASE m.product_scope
            WHEN 'all' THEN NOT m.excluded_codes && $5::text[]
            ELSE m.product_codes && $5::text[]
          END
  ),
  programs AS (
    SELECT l.*, bool_or(l.names_origin) OVER (PARTITION BY l.program) AS program_names_origin
    FROM layers l
  )
  SELECT l.measure_id, l.program, l.rate::text AS rate,
         -- A rate cut under the suspended points levies nothing.
         greatest(0, l.rate - coalesce(partial.points, 0))::text AS applied_rate,
         partial.points::text AS suspended_points, partial.provision,
         partial.suspended_from, partial.suspended_to,
         greatest(l.paint_from, l.starts_at) AS valid_from,
         least(l.paint_to, l.life_ends_at) AS valid_to,
         l.legal_instrument, l.title, l.paint_citation AS citation, l.paint_heading AS heading,
         l.paint_instrument AS instrument
  FROM programs l
  LEFT JOIN LATERAL (
    SELECT s.points, s.provision, s.suspended_from, s.suspended_to
    FROM read_models.events ev
    CROSS JOIN LATERAL (
      SELECT (ev.envelope #>> '{data,points}')::numeric AS points,
             ev.envelope #>> '{data,provision}' AS provision,
             (ev.envelope #>> '{data,validFrom}')::timestamptz AS suspended_from,
             (ev.envelope #>> '{data,validTo}')::timestamptz AS suspended_to
    ) s
    WHERE ev.stream_id = l.measure_id AND ev.type = 'TariffPointsSuspended' AND ${knownAtK('ev')}
      AND s.suspended_from <= $1::timestamptz
      AND (s.suspended_to IS NULL OR s.suspended_to > $1::timestamptz)
    ORDER BY ev.stream_version DESC
    LIMIT 1
  ) partial ON true
  WHERE l.names_origin OR NOT l.program_names_origin
  ORDER BY l.program COLLATE "C", l.measure_id COLLATE "C"`;

interface LayerRow {
  readonly measure_id: string;
  readonly program: string;
  readonly rate: string;
  readonly applied_rate: string;
  readonly suspended_points: string | null;
  readonly provision: string | null;
  readonly suspended_from: Date | null;
  readonly suspended_to: Date | null;
  readonly valid_from: Date;
  readonly valid_to: Date | null;
  readonly legal_instrument: string;
  readonly title: string;
  readonly citation: Citation | null;
  readonly heading: string | null;
  readonly instrument: string | null;
}

/** Rates have at most two decimals; the sum is reported in hundredths so 0.1 + 0.2 is 0.3. */
function sumOfRates(rates: readonly number[]): number {
  return Math.round(rates.reduce((sum, rate) => sum + rate, 0) * 100) / 100;
}

/** The duty layers `imposer` levies on `product` from `origin` at asOf, as known at knownAt, and their sum. */
export async function tariffsEffective(db: Queryable, query: TariffQuery): Promise<EffectiveTariffs> {
  const { rows } = await db.query<LayerRow>(TARIFFS_EFFECTIVE, [
    query.asOf,
    query.knownAt,
    query.imposer,
    query.origin,
    codePrefixes(query.product),
  ]);
  const layers = rows.map((row) => ({
    measureId: row.measure_id,
    program: row.program,
    rate: Number(row.rate),
    appliedRate: Number(row.applied_rate),
    suspension:
      row.suspended_points === null || row.suspended_from === null
        ? null
        : {
            points: Number(row.suspended_points),
            provision: row.provision,
            validFrom: instant(row.suspended_from),
            validTo: instantOrNull(row.suspended_to),
          },
    validFrom: instant(row.valid_from),
    validTo: instantOrNull(row.valid_to),
    legalInstrument: row.legal_instrument,
    title: row.title,
    citation: row.citation,
    heading: row.heading,
    instrument: row.instrument,
  }));
  return { layers, total: sumOfRates(layers.map((layer) => layer.appliedRate)) };
}
