import type { Kafka } from 'kafkajs';
import { toStoredRecord, type StoredRecord } from './stored-record';

export interface MessageConsumerSettings {
  readonly groupId: string;
  readonly topic: string;
  readonly fromBeginning: boolean;
  /** How many partitions' messages may be handled at the same time. */
  readonly partitionsConsumedConcurrently?: number;
  /** Records it does not accept (e.g. genesis records, which are not events) are passed over. */
  readonly accept?: (record: StoredRecord) => boolean;
}

/**
 * The textbook consumer: hands the records it accepts to `handleRecord` one at a time (kafkajs
 * `eachMessage`) until `untilCount` have been handled, then leaves the group. Commits nothing to Kafka: the
 * handler keeps its own offsets. The benchmark's naive baseline; the projector uses
 * BatchConsumer instead.
 */
export async function consumeEachMessage(
  kafka: Kafka,
  settings: MessageConsumerSettings,
  handleRecord: (record: StoredRecord) => Promise<void>,
  untilCount: number,
): Promise<void> {
  const { groupId, topic, fromBeginning } = settings;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning });
    let started = 0;
    let finished = 0;
    await new Promise<void>((resolve, reject) => {
      if (untilCount <= 0) {
        resolve();
        return;
      }
      consumer
        .run({
          autoCommit: false,
          partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? 1,
          eachMessage: async ({ partition, message }) => {
            const record = toStoredRecord(partition, message);
            if (started >= untilCount || !(settings.accept?.(record) ?? true)) return;
            started += 1;
            try {
              await handleRecord(record);
            } catch (error) {
              reject(error instanceof Error ? error : new Error(String(error)));
              return;
            }
            finished += 1;
            if (finished === untilCount) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
}
