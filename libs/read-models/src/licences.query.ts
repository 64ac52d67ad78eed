import type { LicenceFilter, LicenceSummary } from '@ledger/domain';
import type { Queryable } from './tables';

/** $1 status, $2 export control, $3 destination (null = any), $4 cursor (last id seen), $5 page size + 1. */
const LIST_LICENCES = `
  SELECT summary
  FROM read_models.licences
  WHERE ($1::text IS NULL OR status = $1)
    AND ($2::text IS NULL OR export_control_id = $2)
    AND ($3::text IS NULL OR destination = $3)
    AND ($4::text IS NULL OR licence_id > $4)
  ORDER BY licence_id
  LIMIT $5`;

export interface LicencePageQuery extends LicenceFilter {
  readonly limit: number;
  /** The `next` of the previous page. */
  readonly after?: string;
}

export interface LicencePage {
  readonly licences: readonly LicenceSummary[];
  /** Pass as `after` for the next page; null when this page is the last. */
  readonly next: string | null;
}

/** Licences as currently known (retracted events do not count), by licence id, one page at a time. */
export async function licences(db: Queryable, query: LicencePageQuery): Promise<LicencePage> {
  const { rows } = await db.query<{ summary: LicenceSummary }>(LIST_LICENCES, [
    query.status ?? null,
    query.exportControlId ?? null,
    query.destination ?? null,
    query.after ?? null,
    query.limit + 1,
  ]);
  const page = rows.slice(0, query.limit).map((row) => row.summary);
  return { licences: page, next: rows.length > query.limit ? (page.at(-1)?.id ?? null) : null };
}
