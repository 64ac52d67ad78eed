import type { PolicyEvent, PolicyEventOf, PolicyEventType } from '@ledger/contracts';

/** A type guard for the given event types that keeps whatever the event carries besides (id, version). */
export function eventGuard<K extends PolicyEventType>(types: readonly K[]) {
  const accepted: readonly PolicyEventType[] = types;
  return <E extends PolicyEvent>(event: E): event is E & PolicyEventOf<K> => accepted.includes(event.type);
}
