import type { EventRetracted, PolicyEventOf } from '@ledger/contracts';
import type { Decider, RecordedStream } from '../decider';
import { DomainError } from '../domain-error';
import { requireText } from '../rules';
import { standingStream } from '../stream';
import type { RetractionCommand } from './commands';

type Retraction = PolicyEventOf<'EventRetracted'>;

/**
 * A retraction is an event of any stream: its state is the ids of the events it retracted, which
 * the stream's own decider no longer folds.
 */
export const retractionDecider: Decider<RetractionCommand, Retraction, readonly string[]> = {
  decide(command, stream) {
    return [retractEvent(command.data, standingStream(stream, command.streamId))];
  },
  evolve: (retractedEventIds, event) => [...retractedEventIds, event.data.retractedEventId],
  initialState: [],
};

/** Events are never edited or deleted: a wrong entry is retracted, once, within its own stream. */
function retractEvent(data: EventRetracted, stream: RecordedStream): Retraction {
  requireText(data.reason, 'reason');
  const retracted = stream.events.find((event) => event.id === data.retractedEventId);
  if (retracted === undefined) {
    throw new DomainError('retracted-event-unknown', `This stream holds no event ${data.retractedEventId}`);
  }
  if (retracted.type === 'EventRetracted') {
    throw new DomainError(
      'retraction-not-retractable',
      'A retraction cannot be retracted; record the event again instead',
    );
  }
  if (stream.retractedEventIds.includes(retracted.id)) {
    throw new DomainError('event-already-retracted', `Event ${retracted.id} is already retracted`);
  }
  return { type: 'EventRetracted', data };
}
