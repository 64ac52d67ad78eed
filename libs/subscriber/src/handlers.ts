import type { EventEnvelope, EventType } from '@ledger/contracts';
import type { PoolClient } from 'pg';

/**
 * One handler per event type the subscriber cares about, typed from the contract: the event
 * arrives upcast to the type's current schema version. `tx` is the client of the transaction
 * that also stores the subscriber's checkpoint: write the handler's effects through it, and they
 * commit together with the checkpoint or not at all. Types without a handler are checkpointed
 * and otherwise ignored.
 */
export type EventHandlers = {
  readonly [K in EventType]?: (event: EventEnvelope<K>, tx: PoolClient) => Promise<void> | void;
};

/** Calls the handler of the event's type, if there is one; whether there was. */
export async function dispatch(
  handlers: EventHandlers,
  event: EventEnvelope,
  tx: PoolClient,
): Promise<boolean> {
  const handler = handlers[event.type] as
    ((event: EventEnvelope, tx: PoolClient) => Promise<void> | void) | undefined;
  if (!handler) return false;
  await handler(event, tx);
  return true;
}
