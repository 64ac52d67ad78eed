import {
  streamEventTypes,
  type EventType,
  type PolicyEvent,
  type PolicyStreamType,
  type StreamEventType,
} from '@ledger/contracts';

/** The events only streams of type `S` hold (see EVENT_STREAM_TYPES): what that stream's decider evolves. */
export type StreamEvent<S extends PolicyStreamType> = Extract<PolicyEvent, { type: StreamEventType<S> }>;

/** A type guard for the events of `streamType` that keeps whatever the event carries besides (id, version). */
export function streamEventGuard<S extends PolicyStreamType>(streamType: S) {
  const accepted: readonly EventType[] = streamEventTypes(streamType);
  return <E extends PolicyEvent>(event: E): event is E & StreamEvent<S> => accepted.includes(event.type);
}
