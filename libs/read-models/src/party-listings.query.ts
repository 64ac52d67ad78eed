import { partySearchKey, type Citation } from '@ledger/contracts';
import type { ListedPartyView, PartyListingQuery, PartyMatch, PartyScreenQuery } from '@ledger/views';
import type { Queryable } from './tables';

/**
 * $1 asOf, $2 knownAt, $3 list id (null: every list). The lists whose creation is known at K,
 * and each party's latest known change taking effect by T (the later version on a tie): the
 * party is on its list when that change is a listing.
 */
const LATEST_CHANGES = `
  lists AS (
    SELECT DISTINCT ON (l.list_id) l.list_id, l.imposer, l.name
    FROM read_models.party_lists l
    WHERE l.recorded_at <= $2 AND (l.retracted_at IS NULL OR l.retracted_at > $2)
      AND ($3::text IS NULL OR l.list_id = $3)
    ORDER BY l.list_id, l.version DESC
  ),
  latest AS (
    SELECT DISTINCT ON (p.list_id, p.party_id) p.*
    FROM read_models.party_listings p
    JOIN lists USING (list_id)
    WHERE p.recorded_at <= $2 AND (p.retracted_at IS NULL OR p.retracted_at > $2) AND p.valid_from <= $1
    ORDER BY p.list_id, p.party_id, p.valid_from DESC, p.version DESC
  ),
  listed AS (
    SELECT p.list_id, lists.imposer AS list_imposer, lists.name AS list_name, p.party_id, p.name,
           p.aliases, p.country, p.addresses, p.reason, p.licence_requirement,
           p.licence_review_policy, p.citation, p.valid_from, p.search_keys
    FROM latest p
    JOIN lists USING (list_id)
    WHERE p.listed
  )`;

const PARTIES_LISTED = `
  WITH ${LATEST_CHANGES}
  SELECT * FROM listed
  ORDER BY list_id COLLATE "C", party_id COLLATE "C"`;

/**
 * $4 the screened name's search key, $5 country (null: any), $6 threshold, $7 limit. Each name
 * and alias scores the mean of similarity (the share of trigrams both have: 1 for the same key)
 * and word_similarity (how well the query matches a run of words of the name: 1 when it is part
 * of it): a full name ranks above a part of it, and a part of a long name is still found. A
 * party scores with its best name.
 */
const SCREEN = `
  WITH ${LATEST_CHANGES},
  scored AS (
    SELECT DISTINCT ON (p.list_id, p.party_id) p.*,
           (ARRAY[p.name] || p.aliases)[k.ordinal] AS matched_name,
           (similarity(k.search_key, $4) + word_similarity($4, k.search_key)) / 2 AS score
    FROM listed p
    CROSS JOIN LATERAL unnest(p.search_keys) WITH ORDINALITY AS k(search_key, ordinal)
    WHERE $5::text IS NULL OR p.country = $5
    ORDER BY p.list_id, p.party_id, score DESC, k.ordinal
  )
  SELECT *, round(score::numeric, 3)::float8 AS rounded_score
  FROM scored
  WHERE score >= $6
  ORDER BY score DESC, list_id COLLATE "C", party_id COLLATE "C"
  LIMIT $7`;

interface ListedRow {
  readonly list_id: string;
  readonly list_imposer: string;
  readonly list_name: string;
  readonly party_id: string;
  readonly name: string;
  readonly aliases: string[];
  readonly country: string;
  readonly addresses: string[];
  readonly reason: string;
  readonly licence_requirement: string;
  readonly licence_review_policy: string;
  readonly citation: Citation | null;
  readonly valid_from: Date;
}

function listedParty(row: ListedRow): ListedPartyView {
  return {
    list: { id: row.list_id, imposer: row.list_imposer, name: row.list_name },
    partyId: row.party_id,
    name: row.name,
    aliases: row.aliases,
    country: row.country,
    addresses: row.addresses,
    reason: row.reason,
    licenceRequirement: row.licence_requirement,
    licenceReviewPolicy: row.licence_review_policy,
    citation: row.citation,
    listedFrom: row.valid_from.toISOString(),
  };
}

/** The parties on one list, or on every list, at asOf as known at knownAt: by list, then party. */
export async function partyListings(
  db: Queryable,
  { listId, asOf, knownAt }: PartyListingQuery,
): Promise<ListedPartyView[]> {
  const { rows } = await db.query<ListedRow>(PARTIES_LISTED, [asOf, knownAt, listId ?? null]);
  return rows.map(listedParty);
}

/** Whether a name keeps anything to match once folded into a search key (legal forms alone do not). */
export function isScreenable(name: string): boolean {
  return partySearchKey(name) !== '';
}

/** The listed parties whose names resemble `name`, best first (then by list and party). */
export async function screenParties(db: Queryable, query: PartyScreenQuery): Promise<PartyMatch[]> {
  const { rows } = await db.query<ListedRow & { matched_name: string; rounded_score: number }>(SCREEN, [
    query.asOf,
    query.knownAt,
    null,
    partySearchKey(query.name),
    query.country ?? null,
    query.threshold,
    query.limit,
  ]);
  return rows.map((row) => ({
    ...listedParty(row),
    score: row.rounded_score,
    matchedName: row.matched_name,
  }));
}
