import type { RecordedEnvelope } from '@ledger/contracts';
import type { Queryable } from './tables';

const STREAM_HISTORY = `
  SELECT envelope FROM read_models.events WHERE stream_id = $1 ORDER BY stream_version`;

/** $1 position already seen, $2 page size + 1. */
const EVENTS_AFTER = `
  SELECT envelope FROM read_models.events WHERE position > $1 ORDER BY position LIMIT $2`;

/** Every projected event of a stream in version order, retracted ones and retractions included. */
export async function measureHistory(db: Queryable, id: string): Promise<RecordedEnvelope[]> {
  const { rows } = await db.query<{ envelope: RecordedEnvelope }>(STREAM_HISTORY, [id]);
  return rows.map((row) => row.envelope);
}

export interface EventPage {
  readonly events: readonly RecordedEnvelope[];
  /** Pass as `after` for the next page; null when nothing more is projected yet. */
  readonly next: number | null;
}

/**
 * The projected events by position. Projection commits per Kafka batch, so a reader polling
 * this may see a later position before an earlier one lands; readers that must not skip
 * events use the journal's gap-safe feed.
 */
export async function eventFeed(db: Queryable, page: { after: number; limit: number }): Promise<EventPage> {
  const { rows } = await db.query<{ envelope: RecordedEnvelope }>(EVENTS_AFTER, [page.after, page.limit + 1]);
  const events = rows.slice(0, page.limit).map((row) => row.envelope);
  return { events, next: rows.length > page.limit ? (events.at(-1)?.position ?? null) : null };
}

/** A stream the read models know: what a browser lists. */
export interface ListedStream {
  readonly streamId: string;
  readonly streamType: string;
  readonly version: number;
  /** The title its first event gave, when the stream type has one. */
  readonly title: string | null;
}

/** $1 the stream types listed, $2 at most this many. */
const STREAMS = `
  SELECT v.stream_id, v.stream_type, v.version, first.envelope #>> '{data,title}' AS title
  FROM read_models.stream_versions AS v
  LEFT JOIN read_models.events AS first ON first.stream_id = v.stream_id AND first.stream_version = 1
  WHERE v.stream_type = ANY($1::text[])
  ORDER BY v.stream_type, v.stream_id
  LIMIT $2`;

/** The streams projected so far, by type then id. */
export async function streamList(
  db: Queryable,
  query: { streamTypes: readonly string[]; limit: number },
): Promise<ListedStream[]> {
  const { rows } = await db.query<{
    stream_id: string;
    stream_type: string;
    version: number;
    title: string | null;
  }>(STREAMS, [query.streamTypes, query.limit]);
  return rows.map((row) => ({
    streamId: row.stream_id,
    streamType: row.stream_type,
    version: row.version,
    title: row.title,
  }));
}
