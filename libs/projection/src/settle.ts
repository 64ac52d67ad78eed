import type { PoolClient } from 'pg';
import type { AnyEventEnvelope } from '@ledger/contracts';
import { applyEvents, appliedVersions } from '@ledger/read-models';
import {
  parkedOfStreams,
  parseDeadLetter,
  reparkDeadLetters,
  resolveDeadLetters,
  type DeadLetter,
  type Resolution,
} from './dead-letters';
import { planProjection, type Candidate } from './plan';

/**
 * Serialises every writer of a stream's read models (projector members during a rebalance,
 * the auditor re-driving dead letters) for the rest of the transaction. Taken in a fixed order
 * so that two writers never wait on each other in a cycle.
 */
const LOCK_STREAMS = `
  SELECT pg_advisory_xact_lock(hashtextextended('ledger-projection:' || stream_id, 0))
  FROM (SELECT DISTINCT unnest($1::text[]) AS stream_id ORDER BY 1) AS streams`;

export type EventSource<R> =
  | { readonly from: 'consumed'; readonly record: R }
  | { readonly from: 'dead-letter'; readonly letter: DeadLetter };

export interface Settlement<R> {
  readonly applied: number;
  readonly duplicates: number;
  /** Dead letters whose event is now applied (or found already applied). */
  readonly resolved: number;
  /** Consumed events that must wait for a gap, with the reason to record. */
  readonly toPark: readonly {
    readonly record: R;
    readonly event: AnyEventEnvelope;
    readonly reason: string;
  }[];
  /** Dead letters that still wait. */
  readonly stillWaiting: readonly DeadLetter[];
}

/**
 * Offers consumed events (and dead letters being re-driven) to the read models within the
 * caller's transaction: the events already waiting in their streams join in, every event that
 * extends its stream without a gap is applied in one `applyEvents` call, and the dead letters
 * that got applied are resolved. Consumed events that must wait are returned for the caller to
 * park together with its other dead letters.
 */
export async function settle<R>(
  client: PoolClient,
  consumed: readonly { readonly record: R; readonly event: AnyEventEnvelope }[],
  redriven: readonly { readonly letter: DeadLetter; readonly event: AnyEventEnvelope }[] = [],
): Promise<Settlement<R>> {
  const streamIds = [...new Set([...redriven, ...consumed].map(({ event }) => event.streamId))];
  if (streamIds.length === 0) {
    return { applied: 0, duplicates: 0, resolved: 0, toPark: [], stillWaiting: [] };
  }
  await client.query(LOCK_STREAMS, [streamIds]);

  const redrivenIds = new Set(redriven.map(({ letter }) => letter.id));
  const waiting: Candidate<EventSource<R>>[] = [];
  for (const letter of await parkedOfStreams(client, streamIds)) {
    if (redrivenIds.has(letter.id)) continue;
    const parsed = parseDeadLetter(letter);
    // A parked event that no longer parses stays parked; the auditor lists it.
    if (parsed.ok) waiting.push({ event: parsed.event, source: { from: 'dead-letter', letter } });
  }
  const candidates: Candidate<EventSource<R>>[] = [
    ...waiting,
    ...redriven.map(({ letter, event }) => ({
      event,
      source: { from: 'dead-letter' as const, letter },
    })),
    ...consumed.map(({ record, event }) => ({ event, source: { from: 'consumed' as const, record } })),
  ];

  const versions = await appliedVersions(client, streamIds);
  const plan = planProjection(candidates, versions);
  await applyEvents(client, plan.apply);

  let duplicates = 0;
  const settled: { id: string; resolution: Resolution }[] = [];
  const toPark: { record: R; event: AnyEventEnvelope; reason: string }[] = [];
  const stillWaiting: DeadLetter[] = [];
  const reparked: { id: string; streamId: string; streamVersion: number; reason: string }[] = [];
  for (const { candidate, decision } of plan.decided) {
    const { event, source } = candidate;
    const reason = `stream ${event.streamId} is at version ${versions.get(event.streamId) ?? 0}; version ${event.streamVersion} waits for the versions before it`;
    switch (source.from) {
      case 'consumed':
        if (decision === 'duplicate') duplicates += 1;
        if (decision === 'park') toPark.push({ record: source.record, event, reason });
        break;
      case 'dead-letter':
        if (decision === 'apply' || decision === 'duplicate') {
          settled.push({ id: source.letter.id, resolution: decision === 'apply' ? 'applied' : 'duplicate' });
        } else {
          stillWaiting.push(source.letter);
          if (source.letter.kind !== 'parked') {
            reparked.push({
              id: source.letter.id,
              streamId: event.streamId,
              streamVersion: event.streamVersion,
              reason,
            });
          }
        }
        break;
    }
  }
  await resolveDeadLetters(client, settled);
  await reparkDeadLetters(client, reparked);
  return { applied: plan.apply.length, duplicates, resolved: settled.length, toPark, stillWaiting };
}
