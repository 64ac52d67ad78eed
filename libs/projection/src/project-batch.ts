import type { Pool } from 'pg';
import { TOPIC_INSTANCE_HEADER, isGenesisRecord, type RecordedEnvelope } from '@ledger/contracts';
import {
  DEAD_LETTER_KINDS,
  insertDeadLetters,
  type DeadLetterKind,
  type NewDeadLetter,
} from './dead-letters';
import { parseRecord, type RecordLimits } from './parse-record';
import { settle, type SettleOptions } from './settle';
import { TopicInstances, genesisInstance, resolveInstance, type StoredRecord } from '@ledger/messaging';

// Serialises two members that briefly both hold the partition during a rebalance: the second
// sees the first one's offsets and skips what it did.
const LOCK_PARTITION = `
  SELECT pg_advisory_xact_lock(hashtextextended('ledger-projector-offsets:' || $1 || '/' || $2 || '/' || $3, 0))`;

/** The partition's instances, the current one (read at the partition's start most recently) first. */
const SELECT_INSTANCES = `
  SELECT topic_instance::text AS topic_instance, next_offset::text AS next_offset
  FROM projector.consumed_offsets
  WHERE group_id = $1 AND topic = $2 AND partition = $3
  ORDER BY confirmed_at DESC, topic_instance`;

/** Read from the partition's start: the instance found there becomes the current one. */
const CONFIRM_INSTANCE = `
  INSERT INTO projector.consumed_offsets (group_id, topic, partition, topic_instance, next_offset)
  VALUES ($1, $2, $3, $4, 0)
  ON CONFLICT (group_id, topic, topic_instance, partition)
  DO UPDATE SET confirmed_at = now()`;

/** Only forward: a stale batch handled by a member that just lost the partition cannot rewind it. */
const SAVE_OFFSET = `
  UPDATE projector.consumed_offsets SET next_offset = greatest(next_offset, $5), updated_at = now()
  WHERE group_id = $1 AND topic = $2 AND partition = $3 AND topic_instance = $4`;

const SELECT_CURRENT_OFFSETS = `
  SELECT DISTINCT ON (partition) partition, next_offset::text AS next_offset
  FROM projector.consumed_offsets
  WHERE group_id = $1 AND topic = $2 AND partition = ANY($3::int[])
  ORDER BY partition, confirmed_at DESC, topic_instance`;

export interface PartitionBatch {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** Where the reading started; no committed record lies between it and the first record. */
  readonly fetchedOffset: string;
  /** Where reading goes on after the batch (past trailing transaction markers). */
  readonly nextOffset: string;
  /** In offset order, not empty. */
  readonly records: readonly StoredRecord[];
}

export interface BatchOutcome {
  readonly applied: number;
  readonly duplicates: number;
  /** Records below the stored offset: a redelivery after a crash or a rebalance. */
  readonly redelivered: number;
  /** Genesis records: they open a topic instance and change nothing in the read models. */
  readonly genesis: number;
  readonly unparked: number;
  readonly deadLettered: Readonly<Record<DeadLetterKind, number>>;
  /** Events after `untilPosition`, left out of a replay. */
  readonly beyond: number;
}

export type BatchResult =
  | { readonly outcome: 'processed'; readonly result: BatchOutcome; readonly topicInstance: string }
  | { readonly outcome: 'rewind'; readonly nextOffset: string; readonly reason: string };

export interface BatchOptions extends SettleOptions {
  /** What this process learnt of the partitions' starts; share one across the batches of a consumer. */
  readonly instances?: TopicInstances;
  readonly limits?: RecordLimits;
  /** Called after every write of the batch and before COMMIT (the test-only fault hook). */
  readonly beforeCommit?: (result: BatchOutcome) => void;
  /**
   * Leave out events after this journal position: the read models as they stood when it was
   * the last (`auditor replay --until`). A stream's positions increase with its versions, so
   * that is a prefix of every stream.
   */
  readonly untilPosition?: number;
}

function letter(
  batch: PartitionBatch,
  topicInstance: string,
  record: StoredRecord,
  kind: DeadLetterKind,
  reason: string,
  event?: RecordedEnvelope,
): NewDeadLetter {
  return {
    kind,
    reason,
    topic: batch.topic,
    partition: batch.partition,
    offset: record.offset,
    topicInstance,
    record,
    streamId: event?.streamId ?? null,
    streamVersion: event?.streamVersion ?? null,
  };
}

/**
 * Projects one partition's batch in ONE transaction: the read-model changes, the dead letters
 * and the partition's next offset commit together or not at all. Offsets are kept per topic
 * instance: a batch of an instance the stored offsets do not know is read from the partition's
 * start, where its genesis record names it. Records already covered by the stored offset are
 * skipped, and so are events whose version is already applied, so a batch may be delivered any
 * number of times and a new instance carrying the same events doubles nothing.
 */
export async function projectBatch(
  pool: Pool,
  batch: PartitionBatch,
  { instances = new TopicInstances(), limits, beforeCommit, untilPosition, ...settling }: BatchOptions = {},
): Promise<BatchResult> {
  const partitionKey = [batch.groupId, batch.topic, batch.partition];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(LOCK_PARTITION, partitionKey);
    const { rows } = await client.query<{ topic_instance: string; next_offset: string }>(
      SELECT_INSTANCES,
      partitionKey,
    );
    const resolution = resolveInstance(batch, rows[0]?.topic_instance, instances);
    if (resolution.kind === 'rewind') {
      await client.query('ROLLBACK');
      return { outcome: 'rewind', nextOffset: '0', reason: resolution.reason };
    }
    const { instance } = resolution;
    if (resolution.kind === 'start') await client.query(CONFIRM_INSTANCE, [...partitionKey, instance]);
    const stored = BigInt(rows.find((row) => row.topic_instance === instance)?.next_offset ?? '0');
    // The reading began beyond the stored offset, so these read models never saw the records
    // between (e.g. a restored database under a group whose Kafka offsets moved on). Only the
    // fetch's own start counts: transaction markers make later offsets jump.
    if (BigInt(batch.fetchedOffset) > stored) {
      await client.query('ROLLBACK');
      return {
        outcome: 'rewind',
        nextOffset: stored.toString(),
        reason: `the read models stop at offset ${stored}, the reading began at ${batch.fetchedOffset}`,
      };
    }
    const fresh = batch.records.filter((record) => BigInt(record.offset) >= stored);

    const deadLetters: NewDeadLetter[] = [];
    const consumed: { record: StoredRecord; event: RecordedEnvelope }[] = [];
    let genesis = 0;
    let beyond = 0;
    for (const record of fresh) {
      const claimed = record.headers[TOPIC_INSTANCE_HEADER];
      if (claimed !== instance) {
        const reason =
          claimed === undefined
            ? `no ${TOPIC_INSTANCE_HEADER} header; the partition belongs to topic instance ${instance}`
            : `written for topic instance ${claimed}; the partition belongs to ${instance}`;
        deadLetters.push(letter(batch, instance, record, 'foreign', reason));
        continue;
      }
      if (isGenesisRecord(record) && genesisInstance(record, batch.partition) === instance) {
        genesis += 1;
        continue;
      }
      const parsed = parseRecord(record, limits);
      if (parsed.ok && untilPosition !== undefined && parsed.event.position > untilPosition) beyond += 1;
      else if (parsed.ok) consumed.push({ record, event: parsed.event });
      else deadLetters.push(letter(batch, instance, record, parsed.kind, parsed.reason));
    }
    const settlement = await settle(client, consumed, [], settling);
    for (const { record, event, reason } of settlement.toPark) {
      deadLetters.push(letter(batch, instance, record, 'parked', reason, event));
    }
    for (const { record, event, reason } of settlement.refused) {
      deadLetters.push(
        letter(batch, instance, record, 'apply-failed', `applying it failed: ${reason}`, event),
      );
    }
    deadLetters.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    await insertDeadLetters(client, deadLetters);
    await client.query(SAVE_OFFSET, [...partitionKey, instance, batch.nextOffset]);

    const count = (kind: DeadLetterKind) => deadLetters.filter((entry) => entry.kind === kind).length;
    const result: BatchOutcome = {
      applied: settlement.applied,
      duplicates: settlement.duplicates,
      redelivered: batch.records.length - fresh.length,
      genesis,
      unparked: settlement.resolved,
      deadLettered: Object.fromEntries(DEAD_LETTER_KINDS.map((kind) => [kind, count(kind)])) as Record<
        DeadLetterKind,
        number
      >,
      beyond,
    };
    beforeCommit?.(result);
    await client.query('COMMIT');
    return { outcome: 'processed', result, topicInstance: instance };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Next offsets per partition as recorded with the read models, of each partition's current
 * topic instance (absent: never projected).
 */
export async function storedOffsets(
  pool: Pool,
  groupId: string,
  topic: string,
  partitions: readonly number[],
): Promise<Map<number, string>> {
  const { rows } = await pool.query<{ partition: number; next_offset: string }>(SELECT_CURRENT_OFFSETS, [
    groupId,
    topic,
    partitions,
  ]);
  return new Map(rows.map((row) => [row.partition, row.next_offset]));
}
