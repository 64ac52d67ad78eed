import type { Pool } from 'pg';
import type { AnyEventEnvelope } from '@ledger/contracts';
import type { StoredRecord } from '@ledger/messaging';
import { insertDeadLetters, type DeadLetterKind, type NewDeadLetter } from './dead-letters';
import { parseRecord } from './parse-record';
import { settle } from './settle';

// The row lock on the partition's offset serialises two members that briefly both hold the
// partition during a rebalance: the second sees the first one's offset and skips.
const ENSURE_OFFSET_ROW = `
  INSERT INTO projector.consumed_offsets (group_id, topic, partition, next_offset)
  VALUES ($1, $2, $3, 0)
  ON CONFLICT (group_id, topic, partition) DO NOTHING`;

const LOCK_OFFSET = `
  SELECT next_offset::text AS next_offset FROM projector.consumed_offsets
  WHERE group_id = $1 AND topic = $2 AND partition = $3
  FOR UPDATE`;

/** Only forward: a stale batch handled by a member that just lost the partition cannot rewind it. */
const SAVE_OFFSET = `
  UPDATE projector.consumed_offsets SET next_offset = greatest(next_offset, $4), updated_at = now()
  WHERE group_id = $1 AND topic = $2 AND partition = $3`;

const SELECT_OFFSETS = `
  SELECT partition, next_offset::text AS next_offset FROM projector.consumed_offsets
  WHERE group_id = $1 AND topic = $2 AND partition = ANY($3::int[])`;

export interface PartitionBatch {
  readonly groupId: string;
  readonly topic: string;
  readonly partition: number;
  /** In offset order, not empty. */
  readonly records: readonly StoredRecord[];
}

export interface BatchOutcome {
  readonly applied: number;
  readonly duplicates: number;
  /** Records at or below the stored offset: a redelivery after a crash or a rebalance. */
  readonly redelivered: number;
  readonly unparked: number;
  readonly deadLettered: Readonly<Record<DeadLetterKind, number>>;
}

export type BatchResult =
  | { readonly outcome: 'processed'; readonly result: BatchOutcome }
  | { readonly outcome: 'rewind'; readonly nextOffset: string };

export interface BatchHooks {
  /** Called after every write of the batch and before COMMIT (the test-only fault hook). */
  beforeCommit?(result: BatchOutcome): void;
}

/**
 * Projects one partition's batch in ONE transaction: the read-model changes, the dead letters
 * and the partition's next offset commit together or not at all. Records already covered by the
 * stored offset are skipped, and so are events whose version is already applied, so a batch may
 * be delivered any number of times.
 */
export async function projectBatch(
  pool: Pool,
  batch: PartitionBatch,
  hooks: BatchHooks = {},
): Promise<BatchResult> {
  const key = [batch.groupId, batch.topic, batch.partition];
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(ENSURE_OFFSET_ROW, key);
    const { rows } = await client.query<{ next_offset: string }>(LOCK_OFFSET, key);
    const stored = BigInt(rows[0].next_offset);
    const first = BigInt(batch.records[0].offset);
    // Offsets of the event topic are contiguous (no compaction, no transactions), so a batch
    // starting beyond the stored offset means these read models never saw the records between
    // — e.g. a restored database under a group whose Kafka offsets moved on.
    if (first > stored) {
      await client.query('ROLLBACK');
      return { outcome: 'rewind', nextOffset: stored.toString() };
    }
    const fresh = batch.records.filter((record) => BigInt(record.offset) >= stored);

    const deadLetters: NewDeadLetter[] = [];
    const consumed: { record: StoredRecord; event: AnyEventEnvelope }[] = [];
    for (const record of fresh) {
      const parsed = parseRecord(record);
      if (parsed.ok) {
        consumed.push({ record, event: parsed.event });
      } else {
        deadLetters.push({
          kind: parsed.kind,
          reason: parsed.reason,
          topic: batch.topic,
          partition: batch.partition,
          offset: record.offset,
          record,
          streamId: null,
          streamVersion: null,
        });
      }
    }
    const settlement = await settle(client, consumed);
    for (const { record, event, reason } of settlement.toPark) {
      deadLetters.push({
        kind: 'parked',
        reason,
        topic: batch.topic,
        partition: batch.partition,
        offset: record.offset,
        record,
        streamId: event.streamId,
        streamVersion: event.streamVersion,
      });
    }
    deadLetters.sort((a, b) => (BigInt(a.offset) < BigInt(b.offset) ? -1 : 1));
    await insertDeadLetters(client, deadLetters);
    const last = BigInt(batch.records[batch.records.length - 1].offset);
    await client.query(SAVE_OFFSET, [...key, (last + 1n).toString()]);

    const count = (kind: DeadLetterKind) => deadLetters.filter((letter) => letter.kind === kind).length;
    const result: BatchOutcome = {
      applied: settlement.applied,
      duplicates: settlement.duplicates,
      redelivered: batch.records.length - fresh.length,
      unparked: settlement.resolved,
      deadLettered: {
        unparseable: count('unparseable'),
        'schema-violation': count('schema-violation'),
        parked: count('parked'),
      },
    };
    hooks.beforeCommit?.(result);
    await client.query('COMMIT');
    return { outcome: 'processed', result };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Next offsets per partition as recorded with the read models (absent: never projected). */
export async function storedOffsets(
  pool: Pool,
  groupId: string,
  topic: string,
  partitions: readonly number[],
): Promise<Map<number, string>> {
  const { rows } = await pool.query<{ partition: number; next_offset: string }>(SELECT_OFFSETS, [
    groupId,
    topic,
    partitions,
  ]);
  return new Map(rows.map((row) => [row.partition, row.next_offset]));
}
