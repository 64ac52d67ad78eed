import {
  EVENT_STREAM_TYPES,
  SCHEMA_VERSIONS,
  computeEventHash,
  type AnyEventEnvelope,
  type Citation,
  type EventDataByType,
  type EventEnvelope,
  type EventType,
  type StreamType,
} from '@ledger/contracts';
import { v7 as uuidv7 } from 'uuid';

/**
 * Builds envelopes the way the journal would: per-stream gapless versions, increasing
 * positions, recordedAt strictly increasing per stream, and a real hash chain, so the events
 * also pass a consumer's contract check when they travel through a topic.
 */
export class Ledger {
  readonly events: AnyEventEnvelope[] = [];
  private position = 0;
  private clock: number;
  private readonly streams = new Map<
    string,
    { type: StreamType; version: number; recordedAt: number; hash: string }
  >();

  constructor(start = '2025-01-01T00:00:00.000Z') {
    this.clock = Date.parse(start);
  }

  /** Records an event; `at` sets recordedAt, otherwise the ledger's clock moves on a minute. */
  record<K extends EventType>(
    streamId: string,
    type: K,
    data: EventDataByType[K],
    options: { at?: string; citation?: Citation | null } = {},
  ): EventEnvelope<K> {
    const stream = this.streams.get(streamId);
    const streamType = stream?.type ?? EVENT_STREAM_TYPES[type][0];
    const recordedAt = options.at === undefined ? this.clock + 60_000 : Date.parse(options.at);
    if (stream !== undefined && recordedAt <= stream.recordedAt) {
      throw new Error(`${streamId}: recordedAt ${options.at} is not after the stream's last event`);
    }
    this.clock = Math.max(this.clock, recordedAt);
    const unhashed: Omit<EventEnvelope<K>, 'hash'> = {
      id: uuidv7(),
      type,
      schemaVersion: SCHEMA_VERSIONS[type],
      streamId,
      streamType,
      streamVersion: (stream?.version ?? 0) + 1,
      position: ++this.position,
      recordedAt: new Date(recordedAt).toISOString(),
      actor: { keyId: 'test-admin', role: 'admin' },
      correlationId: uuidv7(),
      causationId: null,
      citation: options.citation === undefined ? { reference: `${streamId} ${type}` } : options.citation,
      prevHash: stream?.hash ?? null,
      data,
    };
    const hash = computeEventHash(unhashed);
    const envelope: EventEnvelope<K> = { ...unhashed, hash };
    this.streams.set(streamId, { type: streamType, version: envelope.streamVersion, recordedAt, hash });
    this.events.push(envelope as unknown as AnyEventEnvelope);
    return envelope;
  }

  /** Retracts an event within its own stream. */
  retract(event: AnyEventEnvelope, options: { at?: string } = {}): EventEnvelope<'EventRetracted'> {
    return this.record(
      event.streamId,
      'EventRetracted',
      { retractedEventId: event.id, reason: 'entered in error' },
      options,
    );
  }
}

/** A bare date means 00:00:00Z of that day (docs/architecture.md §5). */
export function day(date: string): string {
  return new Date(`${date}T00:00:00.000Z`).toISOString();
}
