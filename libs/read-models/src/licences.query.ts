import type { Instant } from '@ledger/contracts';
import type { LicenceFilter, LicenceSummary } from '@ledger/views';
import type { Queryable } from './tables';

/**
 * $1 status, $2 export control, $3 destination (null = any), $4 cursor (last id seen), $5 page
 * size + 1, $6 the instant T the statuses hold at (null = the transaction's now()).
 *
 * Status at T, the rule of foldLicence: the latest-recorded non-retracted decision that has
 * taken effect by T (an approval or denial at decidedAt, a revocation from validFrom), `pending`
 * when none has; an approval whose validTo is at or before T reads `expired`. Rows are walked in
 * licence id order, so a page costs one index probe per licence looked at.
 */
const LIST_LICENCES = `
  WITH listed AS (
    SELECT l.licence_id, l.summary, coalesce(decision.status, 'pending') AS status
    FROM read_models.licences l
    LEFT JOIN LATERAL (
      SELECT CASE
               WHEN d.type = 'LicenceApproved'
                    AND (d.data->>'validTo')::timestamptz <= coalesce($6::timestamptz, now()) THEN 'expired'
               WHEN d.type = 'LicenceApproved' THEN 'approved'
               WHEN d.type = 'LicenceDenied' THEN 'denied'
               ELSE 'revoked'
             END AS status
      FROM (
        SELECT e.type, e.envelope->'data' AS data, e.stream_version
        FROM read_models.events e
        WHERE e.stream_id = l.licence_id AND e.retracted_at IS NULL
          AND e.type IN ('LicenceApproved', 'LicenceDenied', 'LicenceRevoked')
      ) d
      WHERE (CASE WHEN d.type = 'LicenceRevoked' THEN d.data->>'validFrom' ELSE d.data->>'decidedAt' END)::timestamptz
            <= coalesce($6::timestamptz, now())
      ORDER BY d.stream_version DESC
      LIMIT 1
    ) decision ON true
    WHERE ($2::text IS NULL OR l.export_control_id = $2)
      AND ($3::text IS NULL OR l.destination = $3)
      AND ($4::text IS NULL OR l.licence_id > $4)
  )
  SELECT summary || jsonb_build_object('status', status) AS summary
  FROM listed
  WHERE $1::text IS NULL OR status = $1
  ORDER BY licence_id
  LIMIT $5`;

export interface LicencePageQuery extends LicenceFilter {
  readonly limit: number;
  /** The `next` of the previous page. */
  readonly after?: string;
  /** The instant the statuses hold at; the listing's callers leave it out, meaning now. */
  readonly asOf?: Instant;
}

export interface LicencePage {
  readonly licences: readonly LicenceSummary[];
  /** Pass as `after` for the next page; null when this page is the last. */
  readonly next: string | null;
}

/**
 * Licences as currently known (retracted events do not count), each with its status at asOf
 * (default now), by licence id, one page at a time.
 */
export async function licences(db: Queryable, query: LicencePageQuery): Promise<LicencePage> {
  const { rows } = await db.query<{ summary: LicenceSummary }>(LIST_LICENCES, [
    query.status ?? null,
    query.exportControlId ?? null,
    query.destination ?? null,
    query.after ?? null,
    query.limit + 1,
    query.asOf ?? null,
  ]);
  const page = rows.slice(0, query.limit).map((row) => row.summary);
  return { licences: page, next: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}
