import { randomUUID } from 'node:crypto';
import type { PoolClient } from 'pg';
import type { EventEnvelope } from '@ledger/contracts';
import { NO_FACTS, matches, nextFacts, type StreamFacts } from './matching';

interface WebhookRow {
  id: string;
  event_types: string[];
  hs_codes: string[];
  elements: string[];
  imposers: string[];
}

/**
 * The webhook payload, as Standard Webhooks suggests: `type`, `timestamp` and `data` (here the
 * whole event envelope, upcast to its type's current schema version).
 */
export function webhookBody(event: EventEnvelope): string {
  return JSON.stringify({ type: event.type, timestamp: event.recordedAt, data: event });
}

/**
 * Records the event's deliveries to every webhook watching it, in the subscriber's transaction:
 * they commit with the checkpoint that says the event was seen, so an event makes its
 * deliveries exactly once. The stream's facts (imposer, products, items) are kept up to date
 * first, so later events of the stream match on what its opening said.
 */
export async function enqueueDeliveries(event: EventEnvelope, tx: PoolClient): Promise<number> {
  const { rows: found } = await tx.query<{
    imposer: string | null;
    all_products: boolean;
    hs_codes: string[];
    elements: string[];
  }>('SELECT imposer, all_products, hs_codes, elements FROM notifier.stream_facts WHERE stream_id = $1', [
    event.streamId,
  ]);
  const before: StreamFacts = found[0]
    ? {
        imposer: found[0].imposer,
        allProducts: found[0].all_products,
        hsCodes: found[0].hs_codes,
        elements: found[0].elements,
      }
    : NO_FACTS;
  const facts = nextFacts(before, event);
  if (facts !== before) {
    await tx.query(
      `INSERT INTO notifier.stream_facts (stream_id, imposer, all_products, hs_codes, elements)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (stream_id) DO UPDATE SET imposer = excluded.imposer, all_products = excluded.all_products,
         hs_codes = excluded.hs_codes, elements = excluded.elements`,
      [event.streamId, facts.imposer, facts.allProducts, facts.hsCodes, facts.elements],
    );
  }
  const { rows: webhooks } = await tx.query<WebhookRow>(
    'SELECT id::text AS id, event_types, hs_codes, elements, imposers FROM notifier.webhooks',
  );
  const watching = webhooks.filter((webhook) =>
    matches(
      {
        eventTypes: webhook.event_types,
        hsCodes: webhook.hs_codes,
        elements: webhook.elements,
        imposers: webhook.imposers,
      },
      event.type,
      facts,
    ),
  );
  if (watching.length === 0) return 0;
  const ids = watching.map(() => randomUUID());
  await tx.query(
    `INSERT INTO notifier.deliveries
       (id, webhook_id, message_id, event_id, event_type, stream_id, stream_version, body)
     SELECT id, webhook_id, 'msg_' || replace(id::text, '-', ''), $3, $4, $5, $6, $7
     FROM unnest($1::uuid[], $2::uuid[]) AS d(id, webhook_id)
     ON CONFLICT (webhook_id, event_id) WHERE replay_of IS NULL DO NOTHING`,
    [
      ids,
      watching.map((webhook) => webhook.id),
      event.id,
      event.type,
      event.streamId,
      event.streamVersion,
      webhookBody(event),
    ],
  );
  return watching.length;
}
