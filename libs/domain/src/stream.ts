import type { PolicyStreamType } from '@ledger/contracts';
import type { RecordedStream } from './decider';
import { DomainError } from './domain-error';

/** What every decider checks of the stream a command addresses, with the same errors whatever the stream type. */
export function requireNoStream(state: RecordedStream | undefined, streamId: string): void {
  // A void stream keeps its id: re-entering a retracted creation takes a new id.
  if (state !== undefined) {
    throw new DomainError('stream-exists', `Stream ${streamId} already exists (a ${state.streamType})`);
  }
}

export function standingStream(state: RecordedStream | undefined, streamId: string): RecordedStream {
  if (state === undefined) throw new DomainError('stream-not-found', `There is no stream ${streamId}`);
  if (state.current === null) {
    throw new DomainError(
      'stream-retracted',
      `Stream ${streamId} is void: the event that created it was retracted`,
    );
  }
  return state;
}

/**
 * The state of a standing stream of `streamType`, as its decider folded it (`State`: the
 * decider's state type, which the stream type determines).
 */
export function currentOf<State>(
  state: RecordedStream | undefined,
  streamType: PolicyStreamType,
  streamId: string,
): State {
  if (state === undefined) throw new DomainError('stream-not-found', `There is no stream ${streamId}`);
  if (state.streamType !== streamType) {
    throw new DomainError(
      'wrong-stream-type',
      `Stream ${streamId} is a ${state.streamType}, not a ${streamType}`,
    );
  }
  return standingStream(state, streamId).current as State;
}
