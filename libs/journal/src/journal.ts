import type { Pool } from 'pg';
import type { AnyEventEnvelope, StreamType } from '@ledger/contracts';
import { inTransaction } from '@ledger/database';
import {
  appendInTransaction,
  findIdempotentAnswer,
  type AppendRequest,
  type AppendResult,
  type IdempotentAnswer,
} from './append';
import { EVENT_COLUMNS, toEnvelope, type EventRow } from './event-row';

const STREAM_EVENTS = `
  SELECT ${EVENT_COLUMNS} FROM journal.events WHERE stream_id = $1 ORDER BY stream_version`;

const STREAM_TYPES_OF = `
  SELECT stream_id, stream_type FROM journal.streams WHERE stream_id = ANY($1::text[])`;

/** Positions become visible in increasing order (see APPEND_LOCK), so this skips nothing. */
const EVENTS_AFTER = `
  SELECT ${EVENT_COLUMNS} FROM journal.events WHERE position > $1 ORDER BY position LIMIT $2`;

const HEAD_POSITION = `SELECT coalesce(max(position), 0)::text AS position FROM journal.events`;

const READ_CHECKPOINT = `SELECT position::text AS position FROM journal.relay_checkpoint WHERE topic = $1`;

/** Only forward: a late acknowledgement from a deposed relay leader cannot move it back. */
const SAVE_CHECKPOINT = `
  INSERT INTO journal.relay_checkpoint (topic, position) VALUES ($1, $2)
  ON CONFLICT (topic) DO UPDATE
  SET position = greatest(journal.relay_checkpoint.position, excluded.position), updated_at = now()`;

export interface StoredStream {
  readonly streamType: StreamType;
  readonly version: number;
  readonly events: AnyEventEnvelope[];
}

/** The Postgres event journal: the source of truth, and the outbox the relay publishes. */
export class Journal {
  constructor(private readonly pool: Pool) {}

  /** One transaction: idempotency claim, version check, events, notification to the relay. */
  append(request: AppendRequest): Promise<AppendResult> {
    return inTransaction(this.pool, (client) => appendInTransaction(client, request));
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

  /** The type of each existing stream among streamIds; unknown ids are absent from the map. */
  async streamTypes(streamIds: readonly string[]): Promise<Map<string, StreamType>> {
    const { rows } = await this.pool.query<{ stream_id: string; stream_type: StreamType }>(STREAM_TYPES_OF, [
      streamIds,
    ]);
    return new Map(rows.map((row) => [row.stream_id, row.stream_type]));
  }

  /** Committed events with position > after, ascending; a checkpointed reader skips none. */
  async readAll(after: number, limit: number): Promise<AnyEventEnvelope[]> {
    const { rows } = await this.pool.query<EventRow>(EVENTS_AFTER, [after, limit]);
    return rows.map(toEnvelope);
  }

  /** The highest committed position; 0 when the journal is empty. */
  async headPosition(): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(HEAD_POSITION);
    return Number(rows[0].position);
  }

  /** The last position Kafka acknowledged for topic; 0 before the first. */
  async readCheckpoint(topic: string): Promise<number> {
    const { rows } = await this.pool.query<{ position: string }>(READ_CHECKPOINT, [topic]);
    return rows.length === 0 ? 0 : Number(rows[0].position);
  }

  async saveCheckpoint(topic: string, position: number): Promise<void> {
    await this.pool.query(SAVE_CHECKPOINT, [topic, position]);
  }
}
