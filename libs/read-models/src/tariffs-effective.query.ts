import type { Citation } from '@ledger/contracts';
import {
  productLine,
  type EffectiveTariffs,
  type LayerCoverage,
  type LayerExclusion,
  type TariffLayer,
  type TariffQuery,
} from '@ledger/views';
import {
  MEASURES_AT,
  codePrefixes,
  instant,
  instantOrNull,
  entriesInForce,
  productCodesAt,
} from './measure-timeline.sql';
import type { Queryable } from './tables';

/**
 * $3 imposer, $4 origin, $5 every prefix of the product code, $6 the product code. A tariff
 * reaches the origin when it names it or `*` and does not exclude it. At T it leaves the product
 * out when one of its exclusions is a prefix of it; it covers it whole when it covers all
 * products or one of its listed codes is a prefix of it, and in part when it lists finer codes
 * (under the product) that no exclusion covers. Finer exclusions inside what it covers make a
 * whole coverage partial. Within a program, layers naming the origin replace those that reach
 * it only through `*`.
 */
export const TARIFFS_EFFECTIVE = `
  WITH candidates AS (
    -- Any measure that might cover the product (a superset; the layers below decide): all
    -- products, or a listed code — at creation or added later — at or under the product.
    SELECT m.measure_id
    FROM read_models.measures m
    WHERE m.stream_type = 'tariff-measure' AND m.imposer = $3
      AND m.targets && ARRAY[$4::text, '*']
      AND (m.product_scope = 'all'
           OR m.product_codes && $5::text[]
           OR EXISTS (SELECT 1 FROM unnest(m.product_codes) AS listed(code) WHERE starts_with(listed.code, $6))
           OR EXISTS (
             SELECT 1
             FROM read_models.product_codes p
             WHERE p.measure_id = m.measure_id AND p.op = 'add' AND p.valid_from IS NOT NULL
               AND (p.code = ANY($5::text[]) OR starts_with(p.code, $6))
           ))
  ),
  ${MEASURES_AT},
  reaching AS (
    SELECT m.*, m.targets @> ARRAY[$4::text] AS names_origin
    FROM measures_at m
    WHERE m.status = 'in-force' AND m.rate IS NOT NULL
      AND m.stream_type = 'tariff-measure' AND m.imposer = $3
      AND m.targets && ARRAY[$4::text, '*']
      AND NOT m.excluded_targets @> ARRAY[$4::text]
  ),
  codes_at AS (
    SELECT m.measure_id, m.product_scope, c.*
    FROM reaching m
    CROSS JOIN LATERAL (${productCodesAt('m')}) c
    WHERE c.kind = 'exclusion' OR m.product_scope = 'codes'
  ),
  classified AS (
    SELECT m.*,
      EXISTS (
        SELECT 1 FROM codes_at x
        WHERE x.measure_id = m.measure_id AND x.kind = 'exclusion' AND x.code = ANY($5::text[])
      ) AS excluded,
      m.product_scope = 'all' OR EXISTS (
        SELECT 1 FROM codes_at l
        WHERE l.measure_id = m.measure_id AND l.kind = 'line' AND l.code = ANY($5::text[])
      ) AS whole,
      (
        SELECT coalesce(array_agg(l.code ORDER BY l.code COLLATE "C"), '{}')
        FROM codes_at l
        WHERE l.measure_id = m.measure_id AND l.kind = 'line'
          AND length(l.code) > length($6) AND starts_with(l.code, $6)
          AND NOT EXISTS (
            SELECT 1 FROM codes_at x
            WHERE x.measure_id = m.measure_id AND x.kind = 'exclusion' AND starts_with(l.code, x.code)
          )
      ) AS finer_lines,
      (
        SELECT coalesce(jsonb_agg(jsonb_build_object('code', x.code, 'list', x.list, 'description', x.description)
                                  ORDER BY x.code COLLATE "C"), '[]')
        FROM codes_at x
        WHERE x.measure_id = m.measure_id AND x.kind = 'exclusion'
          AND length(x.code) > length($6) AND starts_with(x.code, $6)
          AND (m.product_scope = 'all' OR EXISTS (
            SELECT 1 FROM codes_at l
            WHERE l.measure_id = m.measure_id AND l.kind = 'line' AND starts_with(x.code, l.code)
          ))
      ) AS finer_exclusions
    FROM reaching m
  ),
  layers AS (
    SELECT m.*,
      CASE WHEN m.whole AND jsonb_array_length(m.finer_exclusions) = 0 THEN 'full' ELSE 'partial' END
        AS coverage,
      CASE WHEN m.whole THEN '{}' ELSE m.finer_lines END AS lines
    FROM classified m
    WHERE NOT m.excluded AND (m.whole OR cardinality(m.finer_lines) > 0)
  ),
  programs AS (
    SELECT l.*, bool_or(l.names_origin) OVER (PARTITION BY l.program) AS program_names_origin
    FROM layers l
  ),
  in_force AS (
    SELECT l.*,
      -- A rate cut under the suspended points levies nothing.
      greatest(0, l.rate - coalesce(partial.points, 0)) AS uncapped_rate,
      partial.points AS suspended_points, partial.provision, partial.suspended_from,
      partial.suspended_to, partial.suspension_citation,
      stacking.not_stacked_on, stacking.displaces, stacking.cap_total, stacking.cap_including,
      -- Most answers have no rules at all: the passes below then skip their subqueries.
      bool_or(stacking.not_stacked_on IS NOT NULL) OVER () AS any_rules
    FROM programs l
    LEFT JOIN LATERAL (
      SELECT e.points, e.provision, e.valid_from AS suspended_from, e.valid_to AS suspended_to,
             e.citation AS suspension_citation
      FROM read_models.timeline_entries e
      WHERE ${entriesInForce('e', 'l.measure_id', 'points')}
      ORDER BY e.version DESC
      LIMIT 1
    ) partial ON true
    LEFT JOIN LATERAL (
      SELECT e.not_stacked_on, e.displaces, e.cap_total, e.cap_including
      FROM read_models.timeline_entries e
      WHERE ${entriesInForce('e', 'l.measure_id', 'stacking')}
      ORDER BY e.version DESC
      LIMIT 1
    ) stacking ON true
    WHERE l.names_origin OR NOT l.program_names_origin
  ),
  -- One pass over the layers in force: only full layers exclude, excluded or not themselves.
  stacked AS (
    SELECT l.*, CASE WHEN l.any_rules THEN (
      SELECT coalesce(jsonb_agg(jsonb_build_object('rule', x.rule, 'measureId', x.measure_id, 'program', x.program)
                                ORDER BY x.rule COLLATE "C", x.program COLLATE "C", x.measure_id COLLATE "C"), '[]')
      FROM (
        SELECT 'displaced-by' AS rule, o.measure_id, o.program
        FROM in_force o
        WHERE o.measure_id <> l.measure_id AND o.coverage = 'full' AND l.program = ANY(o.displaces)
        UNION ALL
        SELECT 'not-stacked-on', o.measure_id, o.program
        FROM in_force o
        WHERE o.measure_id <> l.measure_id AND o.coverage = 'full' AND o.program = ANY(l.not_stacked_on)
      ) x
    ) ELSE '[]' END AS exclusions
    FROM in_force l
  ),
  -- What the applied full layers of the included programs levy, before their own caps.
  capped AS (
    SELECT l.*,
      CASE WHEN l.cap_total IS NOT NULL AND jsonb_array_length(l.exclusions) = 0 THEN (
        SELECT coalesce(sum(o.uncapped_rate), 0)
        FROM stacked o
        WHERE o.measure_id <> l.measure_id AND o.coverage = 'full' AND jsonb_array_length(o.exclusions) = 0
          AND o.program = ANY(l.cap_including)
      ) END AS cap_base
    FROM stacked l
  )
  SELECT l.measure_id, l.program, l.rate::text AS rate,
         (CASE WHEN l.cap_base IS NULL THEN l.uncapped_rate
               ELSE least(l.uncapped_rate, greatest(0, l.cap_total - l.cap_base)) END)::text AS applied_rate,
         l.suspended_points::text AS suspended_points, l.provision,
         l.suspended_from, l.suspended_to, l.suspension_citation,
         greatest(l.paint_from, l.starts_at) AS valid_from,
         least(l.paint_to, l.life_ends_at) AS valid_to,
         l.legal_instrument, l.title, l.paint_citation AS citation, l.paint_heading AS heading,
         l.paint_instrument AS instrument, l.coverage, l.lines, l.finer_exclusions AS excluded_lines,
         l.cap_total::text AS cap_total, l.cap_including, l.cap_base::text AS cap_base, l.exclusions
  FROM capped l
  ORDER BY l.program COLLATE "C", l.measure_id COLLATE "C"`;

export interface LayerRow {
  readonly measure_id: string;
  readonly program: string;
  readonly rate: string;
  readonly applied_rate: string;
  readonly suspended_points: string | null;
  readonly provision: string | null;
  readonly suspended_from: Date | null;
  readonly suspended_to: Date | null;
  readonly suspension_citation: Citation | null;
  readonly valid_from: Date;
  readonly valid_to: Date | null;
  readonly legal_instrument: string;
  readonly title: string;
  readonly citation: Citation | null;
  readonly heading: string | null;
  readonly instrument: string | null;
  readonly coverage: LayerCoverage;
  readonly lines: string[];
  readonly excluded_lines: { code: string; list: string | null; description: string | null }[];
  /** Set, all three, when the layer is applied and its rules cap it. */
  readonly cap_total: string | null;
  readonly cap_including: string[] | null;
  readonly cap_base: string | null;
  readonly exclusions: LayerExclusion[];
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
    query.product,
  ]);
  return effectiveTariffsOf(rows, query);
}

/** The answer from the rows of TARIFFS_EFFECTIVE for `query`'s imposer and product. */
export function effectiveTariffsOf(
  rows: readonly LayerRow[],
  query: Pick<TariffQuery, 'imposer' | 'product'>,
): EffectiveTariffs {
  const line = (code: string) => productLine(code, query.imposer);
  const layersOf = (of: readonly LayerRow[]): TariffLayer[] =>
    of.map((row) => ({
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
              citation: row.suspension_citation,
            },
      validFrom: instant(row.valid_from),
      validTo: instantOrNull(row.valid_to),
      legalInstrument: row.legal_instrument,
      title: row.title,
      citation: row.citation,
      heading: row.heading,
      instrument: row.instrument,
      coverage: row.coverage,
      lines: row.lines.map(line),
      excludedLines: row.excluded_lines.map((excluded) => ({ ...line(excluded.code), ...excluded })),
      cap:
        row.cap_total === null || row.cap_including === null || row.cap_base === null
          ? null
          : { total: Number(row.cap_total), including: row.cap_including, base: Number(row.cap_base) },
    }));
  const appliedRows = rows.filter((row) => row.exclusions.length === 0);
  const excludedRows = rows.filter((row) => row.exclusions.length > 0);
  const layers = layersOf(appliedRows);
  const full = layers.filter((layer) => layer.coverage === 'full');
  return {
    product: line(query.product),
    layers,
    total: sumOfRates(full.map((layer) => layer.appliedRate)),
    partialLayers: layers.length - full.length,
    excludedLayers: layersOf(excludedRows).map((layer, index) => ({
      ...layer,
      exclusions: excludedRows[index].exclusions.map(({ rule, measureId, program }) => ({
        rule,
        measureId,
        program,
      })),
    })),
  };
}
