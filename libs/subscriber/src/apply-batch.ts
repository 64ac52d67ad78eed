import type { Pool, PoolClient } from 'pg';
import {
  ContractViolation,
  TOPIC_INSTANCE_HEADER,
  fromKafkaRecord,
  upcastEnvelope,
  type RecordedEnvelope,
} from '@ledger/contracts';
import {
  NO_GENESIS,
  type TopicInstances,
  genesisInstance,
  resolveInstance,
  type InstanceResolution,
  type StoredRecord,
} from '@ledger/messaging';
import { ChainBroken, ForeignRecord, UnreadableRecord } from './errors';
import { dispatch, type EventHandlers } from './handlers';
import { checkedSchema } from './tables';

export interface SubscriberBatch {
  readonly subscriber: string;
  readonly topic: string;
  readonly partition: number;
  /** Where the reading started: no committed record lies between it and the first record. */
  readonly fetchedOffset: string;
  /** Where reading goes on after the batch. */
  readonly nextOffset: string;
  /** In offset order, not empty. */
  readonly records: readonly StoredRecord[];
}

export interface AppliedBatch {
  readonly outcome: 'processed';
  readonly topicInstance: string;
  readonly handled: number;
  readonly unhandled: number;
  readonly duplicates: number;
  readonly genesis: number;
  /** Records below the stored offset (a redelivery). */
  readonly redelivered: number;
}

export type BatchAnswer =
  AppliedBatch | { readonly outcome: 'rewind'; readonly nextOffset: string; readonly reason: string };

export interface ApplyOptions {
  readonly schema: string;
  readonly handlers: EventHandlers;
  readonly instances: TopicInstances;
  /** Called after the handlers' effects and the checkpoint are written, before COMMIT (a test fault hook). */
  readonly beforeCommit?: (events: readonly RecordedEnvelope[]) => void;
}

interface StreamHead {
  version: number;
  hash: string;
}

function lock(schema: string): string {
  return `SELECT pg_advisory_xact_lock(hashtextextended('ledger-subscriber:${schema}:' || $1 || '/' || $2 || '/' || $3, 0))`;
}

function readEvent(record: StoredRecord, partition: number): RecordedEnvelope {
  try {
    return fromKafkaRecord(record);
  } catch (error) {
    if (error instanceof ContractViolation) {
      throw new UnreadableRecord(partition, record.offset, error.message);
    }
    throw error;
  }
}

/**
 * Applies one partition's batch in ONE transaction: the handlers' effects, the streams' last
 * versions and hashes, and the partition's next offset commit together or not at all. Events
 * at or below their stream's stored version are duplicates and skipped (a different hash at the
 * same version is a fork, refused); the next version must chain to the stored hash (refused
 * otherwise); each new event is upcast to its type's current version and handed to its handler.
 * Offsets are kept per topic instance, as the projector keeps them: a batch of an instance the
 * checkpoint does not know is read from the partition's start, where the genesis record names it.
 */
export async function applyBatch(
  pool: Pool,
  batch: SubscriberBatch,
  options: ApplyOptions,
): Promise<BatchAnswer> {
  const s = checkedSchema(options.schema);
  const key = [batch.subscriber, batch.topic, batch.partition];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(lock(s), key);
    const { rows } = await client.query<{ topic_instance: string; next_offset: string }>(
      `SELECT topic_instance::text AS topic_instance, next_offset::text AS next_offset
       FROM ${s}.subscriber_offsets WHERE subscriber = $1 AND topic = $2 AND partition = $3
       ORDER BY confirmed_at DESC, topic_instance`,
      key,
    );
    const resolved = instanceOf(batch, rows[0]?.topic_instance, options.instances);
    if (resolved.kind === 'rewind') {
      await client.query('ROLLBACK');
      return { outcome: 'rewind', nextOffset: '0', reason: resolved.reason };
    }
    const instance = resolved.instance;
    if (resolved.kind === 'start') {
      await client.query(
        `INSERT INTO ${s}.subscriber_offsets (subscriber, topic, partition, topic_instance, next_offset)
         VALUES ($1, $2, $3, $4, 0)
         ON CONFLICT (subscriber, topic, topic_instance, partition) DO UPDATE SET confirmed_at = now()`,
        [...key, instance],
      );
    }
    const stored = BigInt(rows.find((row) => row.topic_instance === instance)?.next_offset ?? '0');
    if (BigInt(batch.fetchedOffset) > stored) {
      await client.query('ROLLBACK');
      return {
        outcome: 'rewind',
        nextOffset: stored.toString(),
        reason: `the checkpoint stops at offset ${stored}, the reading began at ${batch.fetchedOffset}`,
      };
    }
    const fresh = batch.records.filter((record) => BigInt(record.offset) >= stored);
    const answer = await applyRecords(client, s, batch, instance, fresh, options);
    await client.query(
      `UPDATE ${s}.subscriber_offsets SET next_offset = greatest(next_offset, $5), updated_at = now()
       WHERE subscriber = $1 AND topic = $2 AND partition = $3 AND topic_instance = $4`,
      [...key, instance, batch.nextOffset],
    );
    options.beforeCommit?.(answer.events);
    await client.query('COMMIT');
    return {
      outcome: 'processed',
      topicInstance: instance,
      handled: answer.handled,
      unhandled: answer.unhandled,
      duplicates: answer.duplicates,
      genesis: answer.genesis,
      redelivered: batch.records.length - fresh.length,
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * The topic instance of a batch, resolved as the projector resolves it, under a subscriber's
 * stricter rule: a partition that does not open with a genesis record, a record without an
 * instance header and a record of an instance foreign to the partition are refused, where the
 * projector sets them aside.
 */
function instanceOf(
  batch: SubscriberBatch,
  current: string | undefined,
  known: TopicInstances,
): InstanceResolution {
  const resolved = resolveInstance(batch, current, known);
  if (resolved.kind === 'start' && resolved.instance === NO_GENESIS) {
    throw new ForeignRecord(
      batch.partition,
      batch.records[0].offset,
      'the partition does not open with a genesis record: no relay of this ledger wrote it',
    );
  }
  if (resolved.kind !== 'continue') return resolved;
  for (const record of batch.records) {
    const claimed = record.headers[TOPIC_INSTANCE_HEADER];
    if (claimed === undefined) {
      throw new ForeignRecord(
        batch.partition,
        record.offset,
        `the record has no ${TOPIC_INSTANCE_HEADER} header`,
      );
    }
    if (claimed !== resolved.instance) {
      throw new ForeignRecord(
        batch.partition,
        record.offset,
        `written for topic instance ${claimed}; the partition opens with ${resolved.instance}`,
      );
    }
  }
  return resolved;
}

async function applyRecords(
  client: PoolClient,
  s: string,
  batch: SubscriberBatch,
  instance: string,
  records: readonly StoredRecord[],
  options: ApplyOptions,
): Promise<{
  handled: number;
  unhandled: number;
  duplicates: number;
  genesis: number;
  events: RecordedEnvelope[];
}> {
  let handled = 0;
  let unhandled = 0;
  let duplicates = 0;
  let genesis = 0;
  const events: { record: StoredRecord; event: RecordedEnvelope }[] = [];
  for (const record of records) {
    if (genesisInstance(record, batch.partition) === instance) {
      genesis += 1;
      continue;
    }
    events.push({ record, event: readEvent(record, batch.partition) });
  }
  const heads = await readHeads(client, s, batch.subscriber, [
    ...new Set(events.map(({ event }) => event.streamId)),
  ]);
  const changed = new Set<string>();
  const applied: RecordedEnvelope[] = [];
  for (const { record, event } of events) {
    const head = heads.get(event.streamId);
    const last = head?.version ?? 0;
    if (event.streamVersion <= last) {
      if (event.streamVersion === last && head?.hash !== event.hash) {
        throw new ChainBroken(
          event.streamId,
          event.streamVersion,
          batch.partition,
          record.offset,
          `a second event at a version already seen with hash ${head?.hash} (a fork)`,
        );
      }
      duplicates += 1;
      continue;
    }
    if (event.streamVersion !== last + 1) {
      throw new ChainBroken(
        event.streamId,
        event.streamVersion,
        batch.partition,
        record.offset,
        `the subscriber has seen up to v${last}; versions in between are missing`,
      );
    }
    const expected = head?.hash ?? null;
    if (event.prevHash !== expected) {
      throw new ChainBroken(
        event.streamId,
        event.streamVersion,
        batch.partition,
        record.offset,
        `prevHash ${String(event.prevHash)} does not chain to ${String(expected)}`,
      );
    }
    if (await dispatch(options.handlers, upcastEnvelope(event), client)) handled += 1;
    else unhandled += 1;
    heads.set(event.streamId, { version: event.streamVersion, hash: event.hash });
    changed.add(event.streamId);
    applied.push(event);
  }
  if (changed.size > 0) {
    const ids = [...changed];
    await client.query(
      `INSERT INTO ${s}.subscriber_streams (subscriber, stream_id, stream_version, hash)
       SELECT $1, stream_id, stream_version, hash
       FROM unnest($2::text[], $3::int[], $4::text[]) AS head(stream_id, stream_version, hash)
       ON CONFLICT (subscriber, stream_id) DO UPDATE
       SET stream_version = excluded.stream_version, hash = excluded.hash, updated_at = now()`,
      [batch.subscriber, ids, ids.map((id) => heads.get(id)!.version), ids.map((id) => heads.get(id)!.hash)],
    );
  }
  return { handled, unhandled, duplicates, genesis, events: applied };
}

async function readHeads(
  client: PoolClient,
  s: string,
  subscriber: string,
  streamIds: readonly string[],
): Promise<Map<string, StreamHead>> {
  if (streamIds.length === 0) return new Map();
  // Locked: two members briefly holding one partition, or a stream in two partitions, take turns.
  const { rows } = await client.query<{ stream_id: string; stream_version: number; hash: string }>(
    `SELECT stream_id, stream_version, hash FROM ${s}.subscriber_streams
     WHERE subscriber = $1 AND stream_id = ANY($2::text[]) ORDER BY stream_id FOR UPDATE`,
    [subscriber, streamIds],
  );
  return new Map(rows.map((row) => [row.stream_id, { version: row.stream_version, hash: row.hash }]));
}

/** Next offsets per partition of each partition's current topic instance (absent: never read). */
export async function storedOffsets(
  pool: Pool,
  schema: string,
  subscriber: string,
  topic: string,
  partitions: readonly number[],
): Promise<Map<number, string>> {
  const s = checkedSchema(schema);
  const { rows } = await pool.query<{ partition: number; next_offset: string }>(
    `SELECT DISTINCT ON (partition) partition, next_offset::text AS next_offset
     FROM ${s}.subscriber_offsets WHERE subscriber = $1 AND topic = $2 AND partition = ANY($3::int[])
     ORDER BY partition, confirmed_at DESC, topic_instance`,
    [subscriber, topic, partitions],
  );
  return new Map(rows.map((row) => [row.partition, row.next_offset]));
}
