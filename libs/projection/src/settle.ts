import type { PoolClient } from 'pg';
import type { RecordedEnvelope } from '@ledger/contracts';
import { applyEvents, appliedVersions } from '@ledger/read-models';
import {
  parkedOfStreams,
  parseDeadLetter,
  refuseDeadLetters,
  reparkDeadLetters,
  resolveDeadLetters,
  type DeadLetter,
  type Resolution,
} from './dead-letters';
import { planProjection, type Candidate } from './plan';
import { isTransientError } from './transient';

/**
 * Serialises every writer of a stream's read models (projector members during a rebalance,
 * the auditor re-driving dead letters, a stream whose events sit in two partitions after the
 * topic changed) for the rest of the transaction, with a bounded number of locks whatever the
 * number of streams: the server's lock table is shared by every transaction (64 per connection
 * by default), and one lock per stream ran it out on a batch of 20 000 streams. A transaction on
 * at most STREAM_LOCKS_MAX streams holds the projection lock shared plus one lock per stream,
 * taken in a fixed order so that two writers never wait on each other in a cycle; a transaction
 * on more holds the projection lock alone, exclusively. Small batches (live traffic) thus
 * proceed side by side; wide ones (a rebuild, a catch-up) take turns.
 */
const STREAM_LOCKS_MAX = 32;
/**
 * 'project' in ASCII, in the key space of the single-key advisory locks. Whoever holds it
 * exclusively (a session lock of an in-place rebuild's switch) holds every projector batch back.
 */
export const PROJECTION_LOCK = `x'70726f6a656374'::bigint`;
const LOCK_PROJECTION_SHARED = `SELECT pg_advisory_xact_lock_shared(${PROJECTION_LOCK})`;
const LOCK_PROJECTION = `SELECT pg_advisory_xact_lock(${PROJECTION_LOCK})`;
const LOCK_STREAMS = `
  SELECT pg_advisory_xact_lock(hashtextextended('ledger-projection:' || stream_id, 0))
  FROM (SELECT DISTINCT unnest($1::text[]) AS stream_id ORDER BY 1) AS streams`;

async function lockStreams(client: PoolClient, streamIds: readonly string[]): Promise<void> {
  if (streamIds.length > STREAM_LOCKS_MAX) {
    await client.query(LOCK_PROJECTION);
    return;
  }
  await client.query(LOCK_PROJECTION_SHARED);
  await client.query(LOCK_STREAMS, [streamIds]);
}

export type EventSource<R> =
  | { readonly from: 'consumed'; readonly record: R }
  | { readonly from: 'dead-letter'; readonly letter: DeadLetter };

export interface SettleOptions {
  /**
   * Apply stream by stream, and a stream that fails event by event, each under a savepoint:
   * an event the read models refuse is set aside (with the error) together with the versions
   * after it, instead of failing the whole transaction.
   */
  readonly isolate?: boolean;
  /** Called with the events of every applyEvents call (the test-only fault hook). */
  readonly beforeApply?: (events: readonly RecordedEnvelope[]) => void;
}

export interface Settlement<R> {
  readonly applied: number;
  readonly duplicates: number;
  /** Dead letters whose event is now applied (or found already applied). */
  readonly resolved: number;
  /** Consumed events that must wait for a gap, with the reason to record. */
  readonly toPark: readonly {
    readonly record: R;
    readonly event: RecordedEnvelope;
    readonly reason: string;
  }[];
  /** Consumed events the read models refused (only when isolating), with the error. */
  readonly refused: readonly {
    readonly record: R;
    readonly event: RecordedEnvelope;
    readonly reason: string;
  }[];
  /** Dead letters that still wait. */
  readonly stillWaiting: readonly DeadLetter[];
  /** Dead letters the read models refused again (only when isolating), with the error. */
  readonly stillRefused: readonly { readonly letter: DeadLetter; readonly reason: string }[];
}

type Refusal = { readonly failed: string } | { readonly behind: RecordedEnvelope };

async function attempt(
  client: PoolClient,
  events: readonly RecordedEnvelope[],
  beforeApply: SettleOptions['beforeApply'],
): Promise<{ readonly error: unknown } | undefined> {
  await client.query('SAVEPOINT isolated_apply');
  try {
    beforeApply?.(events);
    await applyEvents(client, events);
  } catch (error) {
    // A lost connection fails the whole transaction anyway; it is retried, not set aside.
    if (isTransientError(error)) throw error;
    await client.query('ROLLBACK TO SAVEPOINT isolated_apply');
    await client.query('RELEASE SAVEPOINT isolated_apply');
    return { error };
  }
  await client.query('RELEASE SAVEPOINT isolated_apply');
  return undefined;
}

/**
 * Applies `events` (gapless per stream, in version order) one stream at a time; in a stream
 * that fails, one event at a time up to the first that fails, which is refused with its error
 * and the versions after it are left behind it. Returns the events not applied.
 */
async function applyIsolating(
  client: PoolClient,
  events: readonly RecordedEnvelope[],
  beforeApply: SettleOptions['beforeApply'],
): Promise<Map<RecordedEnvelope, Refusal>> {
  const streams = new Map<string, RecordedEnvelope[]>();
  for (const event of events) {
    const stream = streams.get(event.streamId);
    if (stream) stream.push(event);
    else streams.set(event.streamId, [event]);
  }
  const refused = new Map<RecordedEnvelope, Refusal>();
  for (const stream of streams.values()) {
    if ((await attempt(client, stream, beforeApply)) === undefined) continue;
    for (const [index, event] of stream.entries()) {
      const failure = await attempt(client, [event], beforeApply);
      if (failure === undefined) continue;
      const { error } = failure;
      refused.set(event, { failed: error instanceof Error ? error.message : String(error) });
      for (const later of stream.slice(index + 1)) refused.set(later, { behind: event });
      break;
    }
  }
  return refused;
}

/**
 * Offers consumed events (and dead letters being re-driven) to the read models within the
 * caller's transaction: the events already waiting in their streams join in, every event that
 * extends its stream without a gap is applied in one `applyEvents` call, and the dead letters
 * that got applied are resolved. Consumed events that must wait (or, when isolating, that the
 * read models refused) are returned for the caller to dead-letter with its other records.
 */
export async function settle<R>(
  client: PoolClient,
  consumed: readonly { readonly record: R; readonly event: RecordedEnvelope }[],
  redriven: readonly { readonly letter: DeadLetter; readonly event: RecordedEnvelope }[] = [],
  { isolate = false, beforeApply }: SettleOptions = {},
): Promise<Settlement<R>> {
  const streamIds = [...new Set([...redriven, ...consumed].map(({ event }) => event.streamId))];
  if (streamIds.length === 0) {
    return {
      applied: 0,
      duplicates: 0,
      resolved: 0,
      toPark: [],
      refused: [],
      stillWaiting: [],
      stillRefused: [],
    };
  }
  await lockStreams(client, streamIds);

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
  let refusals = new Map<RecordedEnvelope, Refusal>();
  if (isolate) {
    refusals = await applyIsolating(client, plan.apply, beforeApply);
  } else {
    beforeApply?.(plan.apply);
    await applyEvents(client, plan.apply);
  }

  let duplicates = 0;
  const settled: { id: string; resolution: Resolution }[] = [];
  const toPark: { record: R; event: RecordedEnvelope; reason: string }[] = [];
  const refused: { record: R; event: RecordedEnvelope; reason: string }[] = [];
  const stillWaiting: DeadLetter[] = [];
  const stillRefused: { letter: DeadLetter; reason: string }[] = [];
  const reparked: { id: string; streamId: string; streamVersion: number; reason: string }[] = [];
  for (const { candidate, decision } of plan.decided) {
    const { event, source } = candidate;
    const refusal = decision === 'apply' ? refusals.get(event) : undefined;
    let reason = `stream ${event.streamId} is at version ${versions.get(event.streamId) ?? 0}; version ${event.streamVersion} waits for the versions before it`;
    if (refusal && 'behind' in refusal) {
      reason = `stream ${event.streamId}: version ${refusal.behind.streamVersion} failed to apply; version ${event.streamVersion} waits behind it`;
    }
    const waits = decision === 'park' || (refusal !== undefined && 'behind' in refusal);
    const failed = refusal !== undefined && 'failed' in refusal ? refusal.failed : undefined;
    switch (source.from) {
      case 'consumed':
        if (decision === 'duplicate') duplicates += 1;
        if (waits) toPark.push({ record: source.record, event, reason });
        if (failed !== undefined) refused.push({ record: source.record, event, reason: failed });
        break;
      case 'dead-letter':
        if (failed !== undefined) {
          stillRefused.push({ letter: source.letter, reason: failed });
        } else if (waits) {
          stillWaiting.push(source.letter);
          if (source.letter.kind !== 'parked') {
            reparked.push({
              id: source.letter.id,
              streamId: event.streamId,
              streamVersion: event.streamVersion,
              reason,
            });
          }
        } else {
          settled.push({ id: source.letter.id, resolution: decision === 'apply' ? 'applied' : 'duplicate' });
        }
        break;
    }
  }
  await resolveDeadLetters(client, settled);
  await reparkDeadLetters(client, reparked);
  await refuseDeadLetters(
    client,
    stillRefused
      .filter(({ letter }) => letter.kind !== 'apply-failed')
      .map(({ letter, reason }) => ({ id: letter.id, reason: `applying it failed: ${reason}` })),
  );
  return {
    applied: plan.apply.length - refusals.size,
    duplicates,
    resolved: settled.length,
    toPark,
    refused,
    stillWaiting,
    stillRefused,
  };
}
