import type { Kafka } from 'kafkajs';
import { toStoredRecord, type StoredRecord } from './stored-record';

/** A partition's offsets before reading: [low, high), high being the last stable offset. */
export interface Watermarks {
  readonly low: bigint;
  readonly high: bigint;
}

interface Range {
  readonly from: bigint;
  readonly to: bigint;
}

/**
 * A group of its own, so a reader never shares offsets or partitions with another consumer. The
 * prefix is the reader's: its Kafka principal may join only groups whose names start with one of
 * its own (scripts/kafka-acls.js).
 */
function throwawayGroupId(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

/**
 * Every partition's [low, high). The admin client lists offsets read-committed, so `high` is the
 * last stable offset: nothing at or beyond it belongs to a transaction that committed.
 */
export async function topicWatermarks(kafka: Kafka, topic: string): Promise<Map<number, Watermarks>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return new Map(
      offsets.map(({ partition, low, high }) => [partition, { low: BigInt(low), high: BigInt(high) }]),
    );
  } finally {
    await admin.disconnect();
  }
}

/**
 * Reads the committed records of each partition's [from, to) and returns them in offset order.
 * Offsets are not contiguous: each transaction leaves a control marker, and aborted records are
 * filtered out by kafkajs, so progress is taken from every batch's last offset — including the
 * batches that held only markers, which kafkajs never hands to eachBatch but reports through its
 * END_BATCH_PROCESS event. A throwaway consumer (read committed) starts at the low watermark and
 * seeks to where each range starts once it has joined its group; it commits nothing.
 */
async function readRanges(
  kafka: Kafka,
  topic: string,
  groupPrefix: string,
  ranges: ReadonlyMap<number, Range>,
): Promise<Map<number, StoredRecord[]>> {
  const read = new Map([...ranges.keys()].map((partition) => [partition, [] as StoredRecord[]]));
  // The next offset each unfinished partition needs: anything before it was read already or
  // precedes the range (fetched before a seek took effect).
  const pending = new Map(
    [...ranges]
      .filter(([, range]) => range.from < range.to)
      .map(([partition, range]) => [partition, range.from]),
  );
  if (pending.size === 0) return read;
  const consumer = kafka.consumer({ groupId: throwawayGroupId(groupPrefix), allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const advance = (partition: number, next: bigint) => {
        const range = ranges.get(partition);
        const waiting = pending.get(partition);
        if (range === undefined || waiting === undefined || next <= waiting) return;
        if (next >= range.to) pending.delete(partition);
        else pending.set(partition, next);
        if (pending.size === 0) resolve();
      };
      consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
        if (payload.topic === topic) advance(payload.partition, BigInt(payload.lastOffset) + 1n);
      });
      // Seek each time the consumer has (re)joined its group: kafkajs restarts a consumer that
      // crashed (a coordinator still loading on a fresh broker), and a seek before that fails.
      // Records fetched before a seek takes effect are passed over by offset, never lost.
      consumer.on(consumer.events.GROUP_JOIN, () => {
        try {
          for (const [partition, range] of ranges) {
            consumer.seek({ topic, partition, offset: range.from.toString() });
          }
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
      // kafkajs gives up on a consumer whose error is not retriable (its principal may not join
      // the group or read the topic); without this the read would wait for ever.
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (!payload.restart) reject(payload.error);
      });
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: true,
          eachBatch: ({ batch }) => {
            const range = ranges.get(batch.partition);
            const next = pending.get(batch.partition);
            if (range === undefined || next === undefined) return Promise.resolve();
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset >= range.to) break;
              if (offset >= next) read.get(batch.partition)?.push(toStoredRecord(batch.partition, message));
            }
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return read;
}

/**
 * Reads every committed record of a topic up to the last stable offsets taken at the start,
 * partition by partition in offset order. Used by auditors and tests; commits nothing.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  { groupPrefix = 'ledger-reader' }: { groupPrefix?: string } = {},
): Promise<StoredRecord[]> {
  const watermarks = await topicWatermarks(kafka, topic);
  const ranges = new Map(
    [...watermarks].map(([partition, { low, high }]) => [partition, { from: low, to: high }]),
  );
  const read = await readRanges(kafka, topic, groupPrefix, ranges);
  return [...read].sort(([a], [b]) => a - b).flatMap(([, records]) => records);
}

/**
 * Reads the committed records of each partition's [from, to) in offset order (`to` at most the
 * last stable offset). Used by the auditor to project a topic range by range; commits nothing.
 */
export function readTopicRanges(
  kafka: Kafka,
  topic: string,
  ranges: ReadonlyMap<number, { readonly from: bigint; readonly to: bigint }>,
  { groupPrefix = 'ledger-reader' }: { groupPrefix?: string } = {},
): Promise<Map<number, StoredRecord[]>> {
  return readRanges(kafka, topic, groupPrefix, ranges);
}

/** How far back (or forward) a search first looks; it widens fourfold each time it finds nothing. */
const FIRST_WINDOW = 16n;

/**
 * For every partition, the first committed record from the low watermark on that `accept`s, or
 * none when no record in the partition does. Used by the relay to find the genesis records.
 */
export function readFirstRecords(
  kafka: Kafka,
  topic: string,
  accept: (record: StoredRecord) => boolean = () => true,
  { groupPrefix = 'ledger-search' }: { groupPrefix?: string } = {},
): Promise<Map<number, StoredRecord>> {
  return searchPartitions(kafka, topic, accept, `${groupPrefix}-forward`, 'forward');
}

/**
 * For every partition, the last committed record below the last stable offset that `accept`s,
 * or none. Used by the relay to learn what a crashed leader already published: it looks past
 * transaction markers and the records it does not accept.
 */
export function readLastRecords(
  kafka: Kafka,
  topic: string,
  accept: (record: StoredRecord) => boolean = () => true,
  { groupPrefix = 'ledger-search' }: { groupPrefix?: string } = {},
): Promise<Map<number, StoredRecord>> {
  return searchPartitions(kafka, topic, accept, `${groupPrefix}-backward`, 'backward');
}

/**
 * Looks for the first (forward) or last (backward) accepted record of every non-empty partition
 * through a window at its start or end that widens fourfold whenever it holds none, so the usual
 * case — the record is right there — costs one small read.
 */
async function searchPartitions(
  kafka: Kafka,
  topic: string,
  accept: (record: StoredRecord) => boolean,
  groupPrefix: string,
  direction: 'forward' | 'backward',
): Promise<Map<number, StoredRecord>> {
  const found = new Map<number, StoredRecord>();
  const rangeOf = ({ low, high }: Watermarks, window: bigint): Range =>
    high - low <= window
      ? { from: low, to: high }
      : direction === 'forward'
        ? { from: low, to: low + window }
        : { from: high - window, to: high };
  let open = new Map([...(await topicWatermarks(kafka, topic))].filter(([, { low, high }]) => low < high));
  for (let window = FIRST_WINDOW; open.size > 0; window *= 4n) {
    const ranges = new Map([...open].map(([partition, marks]) => [partition, rangeOf(marks, window)]));
    const read = await readRanges(kafka, topic, groupPrefix, ranges);
    const stillOpen = new Map<number, Watermarks>();
    for (const [partition, marks] of open) {
      const accepted = (read.get(partition) ?? []).filter(accept);
      if (accepted.length > 0) {
        found.set(partition, direction === 'forward' ? accepted[0] : accepted[accepted.length - 1]);
      } else if (!coversPartition(ranges.get(partition), marks)) {
        stillOpen.set(partition, marks);
      }
    }
    open = stillOpen;
  }
  return found;
}

/** The range was the whole partition: searching wider would find nothing more. */
function coversPartition(range: Range | undefined, { low, high }: Watermarks): boolean {
  return range === undefined || (range.from <= low && range.to >= high);
}
