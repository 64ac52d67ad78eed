import type { Actor, AnyEventEnvelope, Citation, RecordedEnvelope, StreamType } from '@ledger/contracts';

/** recordedAt as the envelope carries it (`toISOString()` form), whatever the session time zone. */
export const ISO_MILLISECONDS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

/**
 * The columns of an event as the envelope needs them. recordedAt is formatted in SQL so no pg
 * type parser configuration can change the hashed text. Output names must not shadow a column
 * with a different value: `ORDER BY position` binds to the output column first.
 */
export const EVENT_COLUMNS = `
  position, id, stream_id, stream_type, stream_version, type,
  schema_version, to_char(recorded_at AT TIME ZONE 'UTC', ${ISO_MILLISECONDS}) AS recorded_at,
  actor, correlation_id, causation_id, citation, prev_hash, hash, data`;

export interface EventRow {
  /** bigint: pg gives a string unless an int8 parser is installed; Number() takes either. */
  readonly position: string | number;
  readonly id: string;
  readonly stream_id: string;
  readonly stream_type: StreamType;
  readonly stream_version: number;
  readonly type: AnyEventEnvelope['type'];
  readonly schema_version: number;
  readonly recorded_at: string;
  readonly actor: Actor;
  readonly correlation_id: string;
  readonly causation_id: string | null;
  readonly citation: Citation | null;
  readonly prev_hash: string | null;
  readonly hash: string;
  /** As recorded: the shape of `schema_version`, which may be older than the type's current one. */
  readonly data: object;
}

/** The event as recorded; `upcastEnvelope` gives readers that interpret `data` its current shape. */
export function toEnvelope(row: EventRow): RecordedEnvelope {
  return {
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamVersion: row.stream_version,
    position: Number(row.position),
    recordedAt: row.recorded_at,
    actor: row.actor,
    correlationId: row.correlation_id,
    causationId: row.causation_id,
    citation: row.citation,
    prevHash: row.prev_hash,
    hash: row.hash,
    data: row.data,
  };
}
