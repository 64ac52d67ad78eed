import type { Pool } from 'pg';
import {
  merkleRoot,
  type RecordedEnvelope,
  type CheckpointStatement,
  type StreamType,
} from '@ledger/contracts';
import { inTransaction } from '@ledger/database';
import {
  appendBatchInTransaction,
  appendInTransaction,
  findIdempotentAnswer,
  type AppendRequest,
  type AppendResult,
  type IdempotencyClaim,
  type IdempotentAnswer,
} from './append';
import { EVENT_COLUMNS, toEnvelope, type EventRow } from './event-row';

const STREAM_EVENTS = `
  SELECT ${EVENT_COLUMNS} FROM journal.events WHERE stream_id = $1 ORDER BY stream_version`;

const EVENTS_OF_STREAMS = `
  SELECT ${EVENT_COLUMNS} FROM journal.events WHERE stream_id = ANY($1::text[])
  ORDER BY stream_id, stream_version`;

const STREAM_TYPES_OF = `
  SELECT stream_id, stream_type FROM journal.streams WHERE stream_id = ANY($1::text[])`;

/**
 * The horizon of this statement's snapshot. Every transaction below `settled_below` has ended:
 * its events are visible or will never be. Appends take positions and transaction ids together
 * (see reservePositions), so an event below the horizon has only settled positions below it,
 * and one at or above it may still have an uncommitted append below it: readers that go by
 * position stop there (the approach of Emmett's and Marten's PostgreSQL stores).
 * An event whose transaction id is at or beyond `foreign_from` (the snapshot's xmax) cannot
 * come from this server, whose visible rows were all written below it: it was restored from
 * a logical backup of another server, committed long ago, and is settled too.
 */
const HORIZON = `
  horizon AS (
    SELECT pg_snapshot_xmin(snapshot) AS settled_below, pg_snapshot_xmax(snapshot) AS foreign_from
    FROM pg_current_snapshot() AS snapshot)`;

const SETTLED = `(tx_id < horizon.settled_below OR tx_id >= horizon.foreign_from)`;

/** The page after `after` in position order, each event saying whether it is settled. */
const EVENTS_AFTER = `
  WITH ${HORIZON}
  SELECT ${EVENT_COLUMNS}, ${SETTLED} AS settled
  FROM journal.events, horizon WHERE position > $1 ORDER BY position LIMIT $2`;

/** Every committed event after a position, settled or not: for comparisons, never for tailing. */
const COMMITTED_AFTER = `
  SELECT ${EVENT_COLUMNS} FROM journal.events WHERE position > $1 ORDER BY position LIMIT $2`;

const HEAD_POSITION = `SELECT coalesce(max(position), 0)::text AS position FROM journal.events`;

/**
 * Walks the position index backwards to the last settled event. ORDER BY names the table's
 * column: a bare `position` would be the text output column, ordered as text ('9' > '10').
 */
const SETTLED_HEAD_POSITION = `
  WITH ${HORIZON}
  SELECT event.position::text AS position FROM journal.events AS event, horizon
  WHERE ${SETTLED} ORDER BY event.position DESC LIMIT 1`;

const EVENT_AT = `SELECT ${EVENT_COLUMNS} FROM journal.events WHERE position = $1`;

/** Keyset on the (stream_id, stream_version) index: a page of events in stream order. */
const EVENTS_IN_STREAM_ORDER = `
  SELECT ${EVENT_COLUMNS} FROM journal.events
  WHERE (stream_id, stream_version) > ($1, $2)
  ORDER BY stream_id, stream_version
  LIMIT $3`;

const LAST_EVENT_OF_STREAM = `
  SELECT ${EVENT_COLUMNS} FROM journal.events WHERE stream_id = $1 ORDER BY stream_version DESC LIMIT 1`;

/** Walks the position index backwards and stops at the first settled event of a policy stream. */
const LAST_POLICY_POSITION = `
  WITH ${HORIZON}
  SELECT event.position::text AS position FROM journal.events AS event, horizon
  WHERE stream_type <> 'ledger' AND ${SETTLED} ORDER BY event.position DESC LIMIT 1`;

const LAST_POSITION_OF_STREAMS = `
  SELECT stream_id, max(position)::text AS position FROM journal.events
  WHERE position <= $1 GROUP BY stream_id`;

const JOURNAL_ID = `SELECT journal_id::text AS journal_id FROM journal.identity`;

/** Every stream's last event at or below a position: what a signed checkpoint commits to. */
const STREAM_HEADS_AT = `
  SELECT DISTINCT ON (stream_id) stream_id, stream_version, hash
  FROM journal.events WHERE position <= $1
  ORDER BY stream_id, stream_version DESC`;

const EVENT_COUNT_AT = `SELECT count(*)::text AS events FROM journal.events WHERE position <= $1`;

const PUBLICATION_COLUMNS = `cluster_id, topic, topic_instance::text AS topic_instance, partitions,
  position::text AS position, created_at, updated_at`;

const READ_PUBLICATION = `
  SELECT ${PUBLICATION_COLUMNS} FROM journal.publications
  WHERE cluster_id = $1 AND topic = $2 AND topic_instance = $3`;

const PUBLICATIONS_OF_TOPIC = `
  SELECT ${PUBLICATION_COLUMNS} FROM journal.publications
  WHERE topic = $1 ORDER BY created_at, topic_instance`;

const START_PUBLICATION = `
  INSERT INTO journal.publications (cluster_id, topic, topic_instance, partitions)
  VALUES ($1, $2, $3, $4)
  ON CONFLICT (cluster_id, topic, topic_instance) DO NOTHING`;

/** Only forward: a late acknowledgement from a deposed relay leader cannot move it back. */
const SAVE_PUBLICATION = `
  UPDATE journal.publications
  SET position = greatest(position, $4), updated_at = now()
  WHERE cluster_id = $1 AND topic = $2 AND topic_instance = $3`;

/** One topic instance: the Kafka cluster, the topic's name and the id its genesis records carry. */
export interface TopicInstance {
  readonly clusterId: string;
  readonly topic: string;
  readonly topicInstance: string;
}

/** What the relay has published to one topic instance. */
export interface Publication extends TopicInstance {
  readonly partitions: number;
  /** The last journal position Kafka acknowledged on this instance; 0 before the first. */
  readonly position: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

interface PublicationRow {
  cluster_id: string;
  topic: string;
  topic_instance: string;
  partitions: number;
  position: string;
  created_at: Date;
  updated_at: Date;
}

function toPublication(row: PublicationRow): Publication {
  return {
    clusterId: row.cluster_id,
    topic: row.topic,
    topicInstance: row.topic_instance,
    partitions: row.partitions,
    position: Number(row.position),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** A page of the journal in position order (Journal.readPage). */
export interface JournalPage {
  readonly events: RecordedEnvelope[];
  /** Committed events follow that wait for an older transaction: read again shortly. */
  readonly settling: boolean;
}

/** Where a page in stream order ends: the next page starts after it. */
export interface StreamCursor {
  readonly streamId: string;
  readonly streamVersion: number;
}

/**
 * Up to `limit` events after `after` (or from the start), ordered by stream id then version, on
 * any connection — a pool, or a client inside the caller's snapshot. Reading a journal stream by
 * stream this way holds one page at a time, whatever its size.
 */
export async function readEventsInStreamOrder(
  db: Pick<Pool, 'query'>,
  after: StreamCursor | null,
  limit: number,
): Promise<RecordedEnvelope[]> {
  const { rows } = await db.query<EventRow>(EVENTS_IN_STREAM_ORDER, [
    after?.streamId ?? '',
    after?.streamVersion ?? 0,
    limit,
  ]);
  return rows.map(toEnvelope);
}

export interface StoredStream {
  readonly streamType: StreamType;
  readonly version: number;
  readonly events: RecordedEnvelope[];
}

/** The Postgres event journal: the source of truth, and the outbox the relay publishes. */
export class Journal {
  constructor(private readonly pool: Pool) {}

  /** One transaction: idempotency claim, version check, events, notification to the relay. */
  append(request: AppendRequest): Promise<AppendResult> {
    return inTransaction(this.pool, (client) => appendInTransaction(client, request));
  }

  /** One transaction: all the appends or none (appendBatchInTransaction). */
  appendBatch(requests: readonly AppendRequest[], idempotency?: IdempotencyClaim): Promise<AppendResult> {
    return inTransaction(this.pool, (client) => appendBatchInTransaction(client, requests, idempotency));
  }

  findIdempotent(keyId: string, key: string): Promise<IdempotentAnswer | null> {
    return findIdempotentAnswer(this.pool, keyId, key);
  }

  /** Null when the stream does not exist. One query, so version and events always agree. */
  async readStream(streamId: string): Promise<StoredStream | null> {
    const { rows } = await this.pool.query<EventRow>(STREAM_EVENTS, [streamId]);
    if (rows.length === 0) return null;
    const events = rows.map(toEnvelope);
    return {
      streamType: events[0].streamType,
      version: events[events.length - 1].streamVersion,
      events,
    };
  }

  /** readStream of each existing stream among streamIds, in one query; unknown ids are absent. */
  async readStreams(streamIds: readonly string[]): Promise<Map<string, StoredStream>> {
    const { rows } = await this.pool.query<EventRow>(EVENTS_OF_STREAMS, [streamIds]);
    const streams = new Map<string, StoredStream>();
    for (const event of rows.map(toEnvelope)) {
      const stream = streams.get(event.streamId);
      if (stream) stream.events.push(event);
      else streams.set(event.streamId, { streamType: event.streamType, version: 0, events: [event] });
    }
    return new Map(
      [...streams].map(([id, stream]) => [id, { ...stream, version: stream.events.at(-1)!.streamVersion }]),
    );
  }

  /** The type of each existing stream among streamIds; unknown ids are absent from the map. */
  async streamTypes(streamIds: readonly string[]): Promise<Map<string, StreamType>> {
    const { rows } = await this.pool.query<{ stream_id: string; stream_type: StreamType }>(STREAM_TYPES_OF, [
      streamIds,
    ]);
    return new Map(rows.map((row) => [row.stream_id, row.stream_type]));
  }

  /**
   * Up to `limit` settled events with position > after, ascending: a reader that checkpoints the
   * last position it got skips none, however the appends' commits interleave. `settling` is true
   * when committed events follow them that wait for an older transaction to end (which may be
   * no append at all, and may not notify): read again shortly rather than wait for a
   * notification.
   */
  async readPage(after: number, limit: number): Promise<JournalPage> {
    const { rows } = await this.pool.query<EventRow & { settled: boolean }>(EVENTS_AFTER, [after, limit]);
    const firstUnsettled = rows.findIndex((row) => !row.settled);
    const settled = firstUnsettled === -1 ? rows : rows.slice(0, firstUnsettled);
    return { events: settled.map(toEnvelope), settling: firstUnsettled !== -1 };
  }

  /** The events of readPage. */
  async readAll(after: number, limit: number): Promise<RecordedEnvelope[]> {
    return (await this.readPage(after, limit)).events;
  }

  /**
   * Up to `limit` committed events with position > after, ascending, settled or not: what the
   * journal holds now, to compare with something else. Not gap-safe: an append still open may
   * commit below the last of them, so a reader that follows the journal uses readPage.
   */
  async readCommitted(after: number, limit: number): Promise<RecordedEnvelope[]> {
    const { rows } = await this.pool.query<EventRow>(COMMITTED_AFTER, [after, limit]);
    return rows.map(toEnvelope);
  }

  /** The event at exactly this position; null when there is none (a rolled-back append's gap). */
  async eventAt(position: number): Promise<RecordedEnvelope | null> {
    const { rows } = await this.pool.query<EventRow>(EVENT_AT, [position]);
    return rows.length === 0 ? null : toEnvelope(rows[0]);
  }

  /** A stream's last event; null when the stream does not exist. */
  async lastEventOf(streamId: string): Promise<RecordedEnvelope | null> {
    const { rows } = await this.pool.query<EventRow>(LAST_EVENT_OF_STREAM, [streamId]);
    return rows.length === 0 ? null : toEnvelope(rows[0]);
  }

  /** The position of the last settled event of any policy stream (the ledger's own events left out); 0 if none. */
  async lastPolicyPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(LAST_POLICY_POSITION);
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  /** Each stream's last position at or below `upTo`. */
  async lastPositionsOfStreams(upTo: number): Promise<Map<string, number>> {
    const { rows } = await this.pool.query<{ stream_id: string; position: string }>(
      LAST_POSITION_OF_STREAMS,
      [upTo],
    );
    return new Map(rows.map((row) => [row.stream_id, Number(row.position)]));
  }

  /**
   * The highest committed position; 0 when the journal is empty. Appends still open may commit
   * below it: a reader that starts from a position, or states what the journal holds up to one,
   * takes settledHeadPosition instead.
   */
  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(HEAD_POSITION);
    return Number(rows[0].position);
  }

  /**
   * The highest settled position (see readPage); 0 when there is none. Every event up to it is
   * committed, and none can appear at or below it any more.
   */
  async settledHeadPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(SETTLED_HEAD_POSITION);
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  /** This journal's id (journal.identity): kept by a restored backup, new for a new database. */
  async journalId(): Promise<string> {
    const { rows } = await this.pool.query<{ journal_id: string }>(JOURNAL_ID);
    return rows[0].journal_id;
  }

  /**
   * What the journal holds at or below `position`, as a checkpoint states it. Once `position`
   * is settled (at or below settledHeadPosition) this never changes — unless someone rewrites or
   * deletes history, which is what a signed checkpoint exposes.
   */
  async checkpointStatementAt(position: number): Promise<CheckpointStatement> {
    const [journalId, heads, counted] = await Promise.all([
      this.journalId(),
      this.pool.query<{ stream_id: string; stream_version: number; hash: string }>(STREAM_HEADS_AT, [
        position,
      ]),
      this.pool.query<{ events: string }>(EVENT_COUNT_AT, [position]),
    ]);
    return {
      journalId,
      position,
      eventCount: Number(counted.rows[0].events),
      streamCount: heads.rows.length,
      merkleRoot: merkleRoot(
        heads.rows.map((row) => ({
          streamId: row.stream_id,
          streamVersion: row.stream_version,
          hash: row.hash,
        })),
      ),
    };
  }

  /** What was published to this topic instance; null when the relay has never published there. */
  async readPublication(instance: TopicInstance): Promise<Publication | null> {
    const { rows } = await this.pool.query<PublicationRow>(READ_PUBLICATION, [
      instance.clusterId,
      instance.topic,
      instance.topicInstance,
    ]);
    return rows.length === 0 ? null : toPublication(rows[0]);
  }

  /** Every instance of a topic name the relay has published to, oldest first. */
  async publicationsOf(topic: string): Promise<Publication[]> {
    const { rows } = await this.pool.query<PublicationRow>(PUBLICATIONS_OF_TOPIC, [topic]);
    return rows.map(toPublication);
  }

  /** Records a topic instance the relay is about to publish to (nothing published yet). */
  async startPublication(instance: TopicInstance, partitions: number): Promise<void> {
    await this.pool.query(START_PUBLICATION, [
      instance.clusterId,
      instance.topic,
      instance.topicInstance,
      partitions,
    ]);
  }

  /** Kafka acknowledged every event up to `position` on this instance. */
  async savePublication(instance: TopicInstance, position: number): Promise<void> {
    await this.pool.query(SAVE_PUBLICATION, [
      instance.clusterId,
      instance.topic,
      instance.topicInstance,
      position,
    ]);
  }
}
