import type { Citation } from '@ledger/contracts';
import type { EffectiveTariffs, TariffQuery } from '@ledger/domain';
import { MEASURES_AT, codePrefixes, instant, instantOrNull } from './measure-timeline.sql';
import type { Queryable } from './tables';

/**
 * $3 imposer, $4 origin, $5 every prefix of the product code. A tariff reaches the origin when
 * it names it or `*` and does not exclude it; it covers the product when one of its codes is a
 * prefix of it, or when it covers all products and none of its excluded codes is. Within a
 * program, layers naming the origin replace those that reach it only through `*`.
 */
export const TARIFFS_EFFECTIVE = `
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
         greatest(l.paint_from, l.valid_from) AS valid_from,
         least(l.paint_to, l.life_ends_at) AS valid_to,
         l.legal_instrument, l.title, l.paint_citation AS citation
  FROM programs l
  WHERE l.names_origin OR NOT l.program_names_origin
  ORDER BY l.program COLLATE "C", l.measure_id COLLATE "C"`;

export interface LayerRow {
  readonly measure_id: string;
  readonly program: string;
  readonly rate: string;
  readonly valid_from: Date;
  readonly valid_to: Date | null;
  readonly legal_instrument: string;
  readonly title: string;
  readonly citation: Citation | null;
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
  return effectiveTariffsOf(rows);
}

/** The answer from the rows of TARIFFS_EFFECTIVE. */
export function effectiveTariffsOf(rows: readonly LayerRow[]): EffectiveTariffs {
  const layers = rows.map((row) => ({
    measureId: row.measure_id,
    program: row.program,
    rate: Number(row.rate),
    validFrom: instant(row.valid_from),
    validTo: instantOrNull(row.valid_to),
    legalInstrument: row.legal_instrument,
    title: row.title,
    citation: row.citation,
  }));
  return { layers, total: sumOfRates(layers.map((layer) => layer.rate)) };
}
