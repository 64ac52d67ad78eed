import type { Kafka } from 'kafkajs';
import { toStoredRecord, type StoredRecord } from './stored-record';

/** A partition's offsets as the broker reported them before reading: [low, high). */
interface Watermarks {
  readonly low: bigint;
  readonly high: bigint;
}

/** A group of its own, so a reader never shares offsets or partitions with another consumer. */
function throwawayGroupId(prefix: string): string {
  return `${prefix}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
}

async function fetchWatermarks(kafka: Kafka, topic: string): Promise<Map<number, Watermarks>> {
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
 * Reads, per partition, the records at offsets [start(watermarks), high) with the high
 * watermarks taken before reading, so it ends even while producers keep appending. A throwaway
 * consumer starts at the low watermark and seeks where `start` lies further on; it commits
 * nothing. Partitions with nothing in range are absent from the result.
 */
async function readRanges(
  kafka: Kafka,
  topic: string,
  groupPrefix: string,
  start: (watermarks: Watermarks) => bigint,
): Promise<Map<number, StoredRecord[]>> {
  const ranges = new Map<number, Watermarks & { readonly start: bigint; readonly records: StoredRecord[] }>();
  for (const [partition, watermarks] of await fetchWatermarks(kafka, topic)) {
    const from = start(watermarks);
    if (from >= watermarks.low && from < watermarks.high) {
      ranges.set(partition, { ...watermarks, start: from, records: [] });
    }
  }
  // The next offset each unfinished partition needs: anything before it was read already or
  // precedes the range (fetched before a seek took effect).
  const pending = new Map([...ranges].map(([partition, range]) => [partition, range.start]));
  if (pending.size === 0) return new Map();

  const consumer = kafka.consumer({ groupId: throwawayGroupId(groupPrefix), allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: true,
          eachBatch: ({ batch }) => {
            const range = ranges.get(batch.partition);
            let next = pending.get(batch.partition);
            if (range === undefined || next === undefined) return Promise.resolve();
            for (const message of batch.messages) {
              const offset = BigInt(message.offset);
              if (offset >= range.high) break;
              if (offset < next) continue;
              range.records.push(toStoredRecord(batch.partition, message));
              next = offset + 1n;
            }
            if (next >= range.high) pending.delete(batch.partition);
            else pending.set(batch.partition, next);
            if (pending.size === 0) resolve();
            return Promise.resolve();
          },
        })
        .then(() => {
          for (const [partition, range] of ranges) {
            if (range.start > range.low) consumer.seek({ topic, partition, offset: range.start.toString() });
          }
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return new Map([...ranges].map(([partition, range]) => [partition, range.records]));
}

/**
 * Reads every record of a topic from offset 0 up to the high watermarks taken at the start,
 * partition by partition in offset order. Used by auditors and tests; commits nothing.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  { groupPrefix = 'ledger-reader' }: { groupPrefix?: string } = {},
): Promise<StoredRecord[]> {
  const records = await readRanges(kafka, topic, groupPrefix, ({ low }) => low);
  return [...records].sort(([a], [b]) => a - b).flatMap(([, read]) => read);
}

/**
 * The last record of every non-empty partition (headers and key only matter to callers), read
 * by seeking a throwaway consumer to high watermark − 1. Used by the relay to learn what a
 * crashed leader already published.
 */
export async function readPartitionTails(kafka: Kafka, topic: string): Promise<Map<number, StoredRecord>> {
  const records = await readRanges(kafka, topic, 'ledger-tail', ({ high }) => high - 1n);
  return new Map([...records].map(([partition, [tail]]) => [partition, tail]));
}
