import type { Kafka } from 'kafkajs';
import { toStoredRecord, type StoredRecord } from './stored-record';

/**
 * Reads every record of a topic from offset 0 up to the high watermarks taken at the start,
 * partition by partition in offset order. Used by auditors and tests; commits nothing.
 */
export async function readTopic(
  kafka: Kafka,
  topic: string,
  { groupPrefix = 'ledger-reader' }: { groupPrefix?: string } = {},
): Promise<StoredRecord[]> {
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<number, bigint>();
  try {
    for (const partition of await admin.fetchTopicOffsets(topic)) {
      ends.set(partition.partition, BigInt(partition.high));
    }
  } finally {
    await admin.disconnect();
  }
  const pending = new Set([...ends].filter(([, high]) => high > 0n).map(([partition]) => partition));
  const records: StoredRecord[] = [];
  if (pending.size === 0) return records;

  const consumer = kafka.consumer({
    groupId: `${groupPrefix}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatchAutoResolve: true,
          eachBatch: ({ batch }) => {
            const high = ends.get(batch.partition) ?? 0n;
            for (const message of batch.messages) {
              if (BigInt(message.offset) >= high) break;
              records.push(toStoredRecord(batch.partition, message));
              if (BigInt(message.offset) + 1n >= high) pending.delete(batch.partition);
            }
            if (pending.size === 0) resolve();
            return Promise.resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records.sort((a, b) =>
    a.partition !== b.partition ? a.partition - b.partition : Number(BigInt(a.offset) - BigInt(b.offset)),
  );
}

/**
 * The last record of every non-empty partition (headers and key only matter to callers), read
 * by seeking a throwaway consumer to high watermark − 1. Used by the relay to learn what a
 * crashed leader already published.
 */
export async function readPartitionTails(kafka: Kafka, topic: string): Promise<Map<number, StoredRecord>> {
  const admin = kafka.admin();
  await admin.connect();
  const lastOffsets = new Map<number, bigint>();
  try {
    for (const partition of await admin.fetchTopicOffsets(topic)) {
      const high = BigInt(partition.high);
      if (high > BigInt(partition.low)) lastOffsets.set(partition.partition, high - 1n);
    }
  } finally {
    await admin.disconnect();
  }
  const tails = new Map<number, StoredRecord>();
  if (lastOffsets.size === 0) return tails;

  const consumer = kafka.consumer({
    groupId: `ledger-tail-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    allowAutoTopicCreation: false,
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: false,
          eachBatch: ({ batch }) => {
            const last = lastOffsets.get(batch.partition);
            for (const message of batch.messages) {
              if (last === undefined || BigInt(message.offset) !== last) continue;
              tails.set(batch.partition, toStoredRecord(batch.partition, message));
            }
            if (tails.size === lastOffsets.size) resolve();
            return Promise.resolve();
          },
        })
        .then(() => {
          for (const [partition, offset] of lastOffsets)
            consumer.seek({ topic, partition, offset: offset.toString() });
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return tails;
}
