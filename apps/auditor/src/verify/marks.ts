import { upcastEnvelope, type LedgerCheckpointSigned, type RecordedEnvelope } from '@ledger/contracts';

/**
 * One event as verify keeps it once its chain is checked: enough to match the journal, the
 * topic and the read models, without the payload, so a few hundred thousand events stay small.
 */
export interface EventMark {
  readonly position: number;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly id: string;
  readonly hash: string;
}

/** A signed checkpoint and the event that carries it. */
export interface CheckpointMark {
  readonly eventId: string;
  readonly streamId: string;
  readonly streamVersion: number;
  /** The position of the checkpoint event itself, not of the head it states. */
  readonly position: number;
  readonly signed: LedgerCheckpointSigned;
}

export function markOf(event: RecordedEnvelope): EventMark {
  const { position, streamId, streamVersion, id, hash } = event;
  return { position, streamId, streamVersion, id, hash };
}

/** The checkpoint an event carries; undefined for every other event. */
export function checkpointOf(recorded: RecordedEnvelope): CheckpointMark | undefined {
  const event = upcastEnvelope(recorded);
  if (event.type !== 'LedgerCheckpointSigned') return undefined;
  return {
    eventId: event.id,
    streamId: event.streamId,
    streamVersion: event.streamVersion,
    position: event.position,
    signed: event.data,
  };
}

/** A stream version as a map key: a NUL cannot occur in a stream id. */
export function versionKey(streamId: string, streamVersion: number): string {
  return `${streamId}\u0000${streamVersion}`;
}
