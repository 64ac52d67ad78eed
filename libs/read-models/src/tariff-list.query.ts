import type { Citation, ProductScope } from '@ledger/contracts';
import type { ListedTariff, ListedTariffStatus, TariffListQuery } from '@ledger/views';
import { MEASURES_AT, instant, instantOrNull } from './measure-timeline.sql';
import type { Queryable } from './tables';

/**
 * $3 imposer, $4 origin, $5 program (null = any). The tariffs reaching the origin (named, or
 * `*` and not excluded) scheduled, in force or suspended at T; the rate and its citation come
 * from the paint at T, the citation from the imposition while scheduled.
 */
const TARIFF_LIST = `
  WITH candidates AS (
    SELECT m.measure_id
    FROM read_models.measures m
    WHERE m.stream_type = 'tariff-measure' AND m.imposer = $3
      AND m.targets && ARRAY[$4::text, '*']
      AND ($5::text IS NULL OR m.program = $5)
  ),
  ${MEASURES_AT}
  SELECT m.measure_id, m.program, m.status,
         CASE WHEN m.status <> 'scheduled' THEN m.rate::text END AS rate,
         CASE WHEN m.status <> 'scheduled' AND m.paint_from IS NOT NULL THEN m.paint_citation
              ELSE m.citation END AS citation,
         m.products, m.targets, m.excluded_targets, m.targets @> ARRAY[$4::text] AS names_origin,
         m.title, m.legal_instrument, m.starts_at AS valid_from, m.life_ends_at AS valid_to
  FROM measures_at m
  WHERE m.status IN ('scheduled', 'in-force', 'suspended')
    AND m.stream_type = 'tariff-measure' AND m.imposer = $3
    AND m.targets && ARRAY[$4::text, '*']
    AND NOT m.excluded_targets @> ARRAY[$4::text]
    AND ($5::text IS NULL OR m.program = $5)
  ORDER BY m.program COLLATE "C", m.measure_id COLLATE "C"`;

interface ListedRow {
  readonly measure_id: string;
  readonly program: string;
  readonly status: ListedTariffStatus;
  readonly rate: string | null;
  readonly citation: Citation | null;
  readonly products: ProductScope;
  readonly targets: string[];
  readonly excluded_targets: string[];
  readonly names_origin: boolean;
  readonly title: string;
  readonly legal_instrument: string;
  readonly valid_from: Date;
  readonly valid_to: Date | null;
}

/** Every tariff of an imposer reaching an origin, scheduled, in force or suspended at asOf as known at knownAt. */
export async function tariffList(db: Queryable, query: TariffListQuery): Promise<ListedTariff[]> {
  const { rows } = await db.query<ListedRow>(TARIFF_LIST, [
    query.asOf,
    query.knownAt,
    query.imposer,
    query.origin,
    query.program ?? null,
  ]);
  return rows.map((row) => ({
    measureId: row.measure_id,
    program: row.program,
    status: row.status,
    rate: row.rate === null ? null : Number(row.rate),
    products: row.products,
    targets: row.targets,
    excludedTargets: row.excluded_targets,
    namesOrigin: row.names_origin,
    title: row.title,
    legalInstrument: row.legal_instrument,
    validFrom: instant(row.valid_from),
    validTo: instantOrNull(row.valid_to),
    citation: row.citation,
  }));
}
