import type { EventDataByType, EventType } from '@ledger/contracts';

/**
 * The semantics of docs/architecture.md §5 in SQL, shared by every query over tariff measures and
 * export controls, so a rule changes in one place. MEASURES_AT is a list of CTEs to splice
 * after `WITH candidates AS (...)`, a query-specific CTE yielding the measure ids worth
 * evaluating; itemsAt is a correlated subquery. Parameters: $1 = asOf (T), $2 = knownAt (K);
 * a query's own parameters start at $3.
 */

/** A row is known at K when recorded by K and not retracted by a retraction recorded by K. */
export function knownAtK(alias: string): string {
  return `${alias}.recorded_at <= $2::timestamptz
    AND (${alias}.retracted_at IS NULL OR ${alias}.retracted_at > $2::timestamptz)`;
}

/** The timeline entries `alias` of `kind` of the measure `measureId` in force at $1, as known at $2. */
export function entriesInForce(alias: string, measureId: string, kind: string): string {
  return `${alias}.measure_id = ${measureId} AND ${alias}.kind = '${kind}' AND ${knownAtK(alias)}
    AND ${alias}.valid_from <= $1::timestamptz
    AND (${alias}.valid_to IS NULL OR ${alias}.valid_to > $1::timestamptz)`;
}

/**
 * The payload fields the read-model SQL reads from `read_models.events.envelope` as recorded,
 * rather than from tables `applyEvents` plans from the upcast event. An upcaster that changed one
 * of them would make the SQL answer from the old shape while the evaluator reads the new one:
 * `libs/read-models/test/raw-reads.unit.spec.ts` fails first. Moving such a field into a planned table is the cure.
 */
export const FIELDS_READ_AS_RECORDED = {
  TariffImposed: ['rate', 'validFrom', 'validTo'],
  TariffAnnounced: ['rate', 'validFrom', 'validTo'],
  TariffRateChanged: ['validFrom', 'validTo'],
  TariffSuspended: ['validFrom', 'validTo'],
  TariffLifted: ['validFrom'],
  TariffValidityChanged: ['validTo'],
  TariffProductsAmended: ['validFrom'],
  ExportLicencesReported: ['count', 'period', 'reportedAt'],
} as const satisfies Partial<{ [K in EventType]: readonly (keyof EventDataByType[K])[] }>;

/**
 * `measures_at`: per candidate measure known at K, its latest-known creation (all of the
 * measures columns) plus
 *   creation_type TariffImposed | TariffAnnounced | ExportControlImposed
 *   creation_rate the creation's rate (an announcement's intended rate)
 *   starts_at     where the life starts: the latest postponement recorded after the creation,
 *                 else valid_from
 *   withdrawn_at, withdrawal_reason
 *                 the latest withdrawal recorded after the creation
 *   expires_at    the end set by the latest-recorded creation or validity change (null = open)
 *   lifted_from   the earliest lift, never before valid_from (a lift from before the start
 *                 leaves an empty life: in force for no instant)
 *   life_ends_at  the earlier of the two: where the life ends
 *   status        announced | withdrawn (an announcement, whatever its timeline) or
 *                 scheduled | in-force | suspended | lifted | expired at T
 *   rate, paint_from, paint_to, paint_citation, paint_heading, paint_instrument
 *                 the latest-recorded rate paint covering T (tariffs)
 */
export const MEASURES_AT = `
  creation AS (
    SELECT latest.*, coalesce(postponement.starts_at, latest.valid_from) AS starts_at,
           withdrawal.withdrawn_at, withdrawal.withdrawal_reason
    FROM (SELECT DISTINCT measure_id FROM candidates) candidate
    CROSS JOIN LATERAL (
      SELECT m.*, ev.type AS creation_type, (ev.envelope #>> '{data,rate}')::numeric AS creation_rate
      FROM read_models.measures m
      JOIN read_models.events ev ON ev.event_id = m.event_id
      WHERE m.measure_id = candidate.measure_id AND ${knownAtK('m')}
      ORDER BY m.version DESC
      LIMIT 1
    ) latest
    -- A postponement or withdrawal recorded before the latest creation is superseded by it.
    LEFT JOIN LATERAL (
      SELECT e.valid_from AS starts_at
      FROM read_models.timeline_entries e
      WHERE e.measure_id = latest.measure_id AND e.kind = 'postponement' AND ${knownAtK('e')}
        AND e.version > latest.version
      ORDER BY e.version DESC
      LIMIT 1
    ) postponement ON true
    LEFT JOIN LATERAL (
      SELECT e.valid_from AS withdrawn_at, e.reason AS withdrawal_reason
      FROM read_models.timeline_entries e
      WHERE e.measure_id = latest.measure_id AND e.kind = 'withdrawal' AND ${knownAtK('e')}
        AND e.version > latest.version
      ORDER BY e.version DESC
      LIMIT 1
    ) withdrawal ON true
  ),
  timelines AS (
    SELECT c.*, validity.expires_at, lift.lifted_from, suspension.suspended,
           paint.rate, paint.paint_from, paint.paint_to, paint.paint_citation, paint.paint_heading,
           paint.paint_instrument
    FROM creation c
    LEFT JOIN LATERAL (
      SELECT e.valid_to AS expires_at
      FROM read_models.timeline_entries e
      WHERE e.measure_id = c.measure_id AND e.kind = 'validity' AND ${knownAtK('e')}
      ORDER BY e.version DESC
      LIMIT 1
    ) validity ON true
    CROSS JOIN LATERAL (
      SELECT min(greatest(e.valid_from, c.starts_at)) AS lifted_from
      FROM read_models.timeline_entries e
      WHERE e.measure_id = c.measure_id AND e.kind = 'lift' AND ${knownAtK('e')}
    ) lift
    CROSS JOIN LATERAL (
      SELECT EXISTS (
        SELECT 1
        FROM read_models.timeline_entries e
        WHERE ${entriesInForce('e', 'c.measure_id', 'suspension')}
      ) AS suspended
    ) suspension
    LEFT JOIN LATERAL (
      SELECT e.rate, e.valid_from AS paint_from, e.valid_to AS paint_to, e.citation AS paint_citation,
             e.heading AS paint_heading, e.instrument AS paint_instrument
      FROM read_models.timeline_entries e
      WHERE ${entriesInForce('e', 'c.measure_id', 'rate')}
      ORDER BY e.version DESC
      LIMIT 1
    ) paint ON true
  ),
  measures_at AS (
    SELECT t.*,
      least(t.expires_at, t.lifted_from) AS life_ends_at,
      CASE
        WHEN t.creation_type = 'TariffAnnounced' THEN
          CASE WHEN t.withdrawn_at <= $1::timestamptz THEN 'withdrawn' ELSE 'announced' END
        -- A lift at or after the natural end cuts nothing: the measure expires there instead.
        WHEN t.lifted_from <= $1::timestamptz
             AND (t.expires_at IS NULL OR t.lifted_from < t.expires_at) THEN 'lifted'
        WHEN t.expires_at <= $1::timestamptz THEN 'expired'
        WHEN $1::timestamptz < t.starts_at THEN 'scheduled'
        WHEN t.suspended THEN 'suspended'
        ELSE 'in-force'
      END AS status
    FROM timelines t
  )`;

/**
 * The items of the control row `control` (a measures_at row) at T, for use as a correlated
 * subquery: every add of its latest creation or a later amendment, in force by T, that no
 * later-recorded removal in force by T reaches (a removal reaches an item when every
 * identifier it names matches); one row per distinct item, from its earliest surviving add.
 * Aggregate with `ORDER BY version, ordinal` to list them in the order they were listed.
 */
export function itemsAt(control: string): string {
  return `
    SELECT DISTINCT ON (a.element, a.control_code, a.hs_code)
      a.version, a.ordinal, a.element, a.control_code, a.hs_code, a.item
    FROM read_models.control_items a
    WHERE a.control_id = ${control}.measure_id AND a.op = 'add' AND ${knownAtK('a')}
      AND a.version >= ${control}.version
      AND (a.valid_from IS NULL OR a.valid_from <= $1::timestamptz)
      AND NOT EXISTS (
        SELECT 1
        FROM read_models.control_items r
        WHERE r.control_id = a.control_id AND r.op = 'remove' AND ${knownAtK('r')}
          AND r.version > a.version
          AND r.valid_from <= $1::timestamptz
          AND (r.element IS NULL OR r.element = a.element)
          AND (r.control_code IS NULL OR r.control_code = a.control_code)
          AND (r.hs_code IS NULL OR r.hs_code = a.hs_code)
      )
    ORDER BY a.element, a.control_code, a.hs_code, a.version, a.ordinal`;
}

/**
 * The product codes of the tariff row `measure` (a measures_at row) standing at T, for use as a
 * correlated subquery: per code and kind (`line`: add/remove, `exclusion`: exclude/reinclude),
 * the latest row of its latest creation or a later amendment in force by T (within one event
 * removals before additions, re-inclusions before exclusions), kept when it adds or excludes.
 * Columns: kind, code, list, description.
 */
export function productCodesAt(measure: string): string {
  return `
    SELECT latest.kind, latest.code, latest.list, latest.description
    FROM (
      SELECT DISTINCT ON (kind, p.code)
        CASE WHEN p.op IN ('add', 'remove') THEN 'line' ELSE 'exclusion' END AS kind,
        p.code, p.op, p.list, p.description
      FROM read_models.product_codes p
      WHERE p.measure_id = ${measure}.measure_id AND ${knownAtK('p')}
        AND p.version >= ${measure}.version
        AND (p.valid_from IS NULL OR p.valid_from <= $1::timestamptz)
      ORDER BY kind, p.code, p.version DESC, p.op IN ('add', 'exclude') DESC, p.ordinal DESC
    ) latest
    WHERE latest.op IN ('add', 'exclude')`;
}

/** Every prefix of a code: a listed code covers the query's code when it is one of them. */
export function codePrefixes(code: string): string[] {
  return Array.from({ length: code.length }, (_, index) => code.slice(0, index + 1));
}

/** Timestamps come back as Date; the API speaks UTC ISO instants with milliseconds. */
export function instant(value: Date): string {
  return value.toISOString();
}

export function instantOrNull(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
