import type { EventRetracted, PolicyEvent } from '@ledger/contracts';
import { DomainError } from './domain-error';
import { requireText } from './rules';
import type { StreamState } from './state';

/** Events are never edited or deleted: a wrong entry is retracted, once, within its own stream. */
export function retractEvent(data: EventRetracted, stream: StreamState): PolicyEvent {
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
