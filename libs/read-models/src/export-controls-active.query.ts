import type { Citation, ControlledItem, ExportControlKind } from '@ledger/contracts';
import type { ActiveExportControl, ExportControlQuery } from '@ledger/views';
import { MEASURES_AT, itemsAt, codePrefixes, instant, instantOrNull } from './measure-timeline.sql';
import type { Queryable } from './tables';

/**
 * $3 imposer, $4 destination, $5 item, $6 every prefix of the item (all optional: null = any).
 * A control reaches a destination it names, or `*` when not excluded. The item matches a
 * listed item by element or control code (case-insensitive) or when the listed HS code is a
 * prefix of it — among the items under control at T, not those ever listed.
 */
const EXPORT_CONTROLS_ACTIVE = `
  WITH candidates AS (
    SELECT m.measure_id
    FROM read_models.measures m
    WHERE m.stream_type = 'export-control'
      AND ($3::text IS NULL OR m.imposer = $3)
      AND ($4::text IS NULL OR m.destinations && ARRAY[$4::text, '*'])
      AND ($5::text IS NULL OR m.measure_id IN (
        SELECT i.control_id
        FROM read_models.control_items i
        WHERE i.op = 'add'
          AND (lower(i.element) = lower($5) OR lower(i.control_code) = lower($5)
               OR i.hs_code = ANY($6::text[]))
      ))
  ),
  ${MEASURES_AT},
  controls AS (
    SELECT m.*
    FROM measures_at m
    WHERE m.status = 'in-force' AND m.stream_type = 'export-control'
      AND ($3::text IS NULL OR m.imposer = $3)
      AND ($4::text IS NULL
           OR (m.destinations && ARRAY[$4::text, '*'] AND NOT m.excluded_destinations @> ARRAY[$4::text]))
  )
  SELECT c.measure_id AS control_id, c.imposer, c.kind, c.destinations, c.excluded_destinations,
         coalesce(listed.items, '[]'::jsonb) AS items, c.legal_instrument, c.valid_from,
         c.life_ends_at AS valid_to, c.citation
  FROM controls c
  CROSS JOIN LATERAL (
    SELECT jsonb_agg(x.item ORDER BY x.version, x.ordinal) AS items,
           bool_or(lower(x.element) = lower($5) OR lower(x.control_code) = lower($5)
                   OR x.hs_code = ANY($6::text[])) AS has_item
    FROM (${itemsAt('c')}) x
  ) listed
  WHERE $5::text IS NULL OR listed.has_item
  ORDER BY c.measure_id COLLATE "C"`;

interface ControlRow {
  readonly control_id: string;
  readonly imposer: string;
  readonly kind: ExportControlKind;
  readonly destinations: string[];
  readonly excluded_destinations: string[];
  readonly items: ControlledItem[];
  readonly legal_instrument: string;
  readonly valid_from: Date;
  readonly valid_to: Date | null;
  readonly citation: Citation | null;
}

/** The export controls in force at asOf, as known at knownAt, filtered by imposer, item and destination. */
export async function exportControlsActive(
  db: Queryable,
  query: ExportControlQuery,
): Promise<ActiveExportControl[]> {
  const { rows } = await db.query<ControlRow>(EXPORT_CONTROLS_ACTIVE, [
    query.asOf,
    query.knownAt,
    query.imposer ?? null,
    query.destination ?? null,
    query.item ?? null,
    query.item === undefined ? null : codePrefixes(query.item),
  ]);
  return rows.map((row) => ({
    controlId: row.control_id,
    imposer: row.imposer,
    kind: row.kind,
    destinations: row.destinations,
    excludedDestinations: row.excluded_destinations,
    items: row.items,
    legalInstrument: row.legal_instrument,
    validFrom: instant(row.valid_from),
    validTo: instantOrNull(row.valid_to),
    citation: row.citation,
  }));
}
