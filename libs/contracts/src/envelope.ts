import type { Actor, Citation, EventDataByType, EventType, StreamType } from './events';

/**
 * The envelope every event carries, on Kafka and in every API (docs/architecture.md §3).
 * `hash` = lowercase hex SHA-256 of the RFC 8785 (JCS) serialisation of the envelope without
 * `hash` and `position`; `prevHash` = the previous event's hash in the same stream (null for v1).
 */
export interface EventEnvelope<K extends EventType = EventType> {
  readonly id: string;
  readonly type: K;
  readonly schemaVersion: number;
  readonly streamId: string;
  readonly streamType: StreamType;
  readonly streamVersion: number;
  /**
   * Journal sequence number: increases in the order of appends (a stream's with its versions),
   * may have gaps, never reorders; the journal hands an event to its readers only once every
   * lower position is committed or abandoned.
   */
  readonly position: number;
  readonly recordedAt: string;
  readonly actor: Actor;
  readonly correlationId: string;
  readonly causationId: string | null;
  readonly citation: Citation | null;
  readonly prevHash: string | null;
  readonly hash: string;
  readonly data: EventDataByType[K];
}

export type AnyEventEnvelope = { [K in EventType]: EventEnvelope<K> }[EventType];
