import type { EventType, PolicyEvent, PolicyEventOf } from '@ledger/contracts';

/** A type guard for the given event types that keeps whatever the event carries besides (id, version). */
export function eventGuard<K extends EventType>(types: readonly K[]) {
  const accepted: readonly EventType[] = types;
  return <E extends PolicyEvent>(event: E): event is E & PolicyEventOf<K> => accepted.includes(event.type);
}
