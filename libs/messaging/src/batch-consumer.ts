import type { Consumer, Kafka } from 'kafkajs';
import { toStoredRecord, type StoredRecord } from './stored-record';

export interface BatchConsumerSettings {
  readonly groupId: string;
  readonly topic: string;
  /** How many partitions' batches may be handled at the same time (each in its own transaction). */
  readonly partitionsConsumedConcurrently?: number;
}

export interface ConsumedBatch {
  readonly topic: string;
  readonly partition: number;
  /** In offset order; never empty. */
  readonly records: readonly StoredRecord[];
  /** Offset of the next record the broker will write to this partition. */
  readonly highWatermark: string;
}

/**
 * What the handler made of a batch: `processed` (its effect is durable; commit past it) or
 * `rewind` (the handler's own store is behind this batch; re-read from `nextOffset`, commit
 * nothing).
 */
export type BatchVerdict =
  { readonly outcome: 'processed' } | { readonly outcome: 'rewind'; readonly nextOffset: string };

export interface BatchHandlers {
  handleBatch(batch: ConsumedBatch): Promise<BatchVerdict>;
  /**
   * Next offsets per partition as the handler's own store knows them. Asked whenever partitions
   * are assigned, so a consumer resumes where the store is rather than where Kafka's (later
   * written) commit is. Best effort: the handler must still skip what it has already seen,
   * since kafkajs has no rebalance listener to seek before the first fetch (tulios/kafkajs#1088).
   */
  storedOffsets?(partitions: readonly number[]): Promise<ReadonlyMap<number, string>>;
  onAssigned?(partitions: readonly number[]): void;
  onError?(error: unknown): void;
}

/**
 * A consumer-group member with manual offsets: a batch's offsets are committed to Kafka only
 * after the handler has made its effect durable, so Kafka's committed offset never runs ahead of
 * the handler's store. Redelivery (after a crash or a rebalance) is therefore possible and the
 * handler must make it harmless.
 */
export class BatchConsumer {
  private consumer: Consumer | undefined;

  constructor(
    private readonly kafka: Kafka,
    private readonly settings: BatchConsumerSettings,
  ) {}

  async start(handlers: BatchHandlers): Promise<void> {
    const { groupId, topic } = this.settings;
    const consumer = this.kafka.consumer({
      groupId,
      allowAutoTopicCreation: false,
      // Big fetches make big batches: one Postgres transaction then carries thousands of events.
      maxBytesPerPartition: 8 * 1024 * 1024,
      maxBytes: 64 * 1024 * 1024,
      // A member that died is replaced after 10 s instead of kafkajs' 30 s; batches take well
      // under a second and heartbeat after each one.
      sessionTimeout: 10_000,
      heartbeatInterval: 1_000,
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = payload.memberAssignment[topic] ?? [];
      handlers.onAssigned?.(partitions);
      if (handlers.storedOffsets && partitions.length > 0) {
        handlers
          .storedOffsets(partitions)
          .then((offsets) => {
            for (const [partition, offset] of offsets) consumer.seek({ topic, partition, offset });
          })
          .catch((error: unknown) => handlers.onError?.(error));
      }
    });
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently ?? 1,
      eachBatch: async (payload) => {
        const { batch } = payload;
        if (batch.isEmpty() || !payload.isRunning() || payload.isStale()) return;
        const verdict = await handlers.handleBatch({
          topic: batch.topic,
          partition: batch.partition,
          records: batch.messages.map((message) => toStoredRecord(batch.partition, message)),
          highWatermark: batch.highWatermark,
        });
        switch (verdict.outcome) {
          case 'rewind':
            consumer.seek({ topic, partition: batch.partition, offset: verdict.nextOffset });
            return;
          case 'processed': {
            const last = batch.lastOffset();
            payload.resolveOffset(last);
            await consumer.commitOffsets([
              { topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
            ]);
            await payload.heartbeat();
            return;
          }
        }
      },
    });
  }

  /** Finishes the batch in hand, leaves the group (its partitions move to the other members), disconnects. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }
}
