import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import { BatchConsumer, type BatchVerdict, type ConsumedBatch, type Kafka } from '@ledger/messaging';
import { projectBatch, storedOffsets, type BatchOutcome, type BatchResult } from './project-batch';

export interface ProjectionSettings {
  /** The consumer group; its offsets are stored with the read models under the same id. */
  readonly groupId: string;
  readonly topic: string;
  /** How many partitions' batches are projected at the same time, each in its own transaction. */
  readonly partitions: number;
}

export interface ProjectionHooks {
  /** The partitions this member holds after joining the group. */
  onAssigned?(partitions: readonly number[]): void;
  /** A batch arrived; its transaction is not open yet. */
  onBatchStart?(batch: ConsumedBatch): void;
  /** Called after every write of a batch and before COMMIT (the test-only fault hook). */
  beforeCommit?(outcome: BatchOutcome): void;
  /**
   * A batch is done: `processed` (committed to the read models, Kafka's commit follows) or
   * `rewind` (the read models are behind the batch; it is read again from `nextOffset`).
   * `seconds` is the time its Postgres transaction took.
   */
  onBatch?(batch: ConsumedBatch, answer: BatchResult, seconds: number): void;
  /** Projecting a batch failed; nothing of it was committed and kafkajs delivers it again. */
  onBatchError?(error: unknown): void;
  /** The stored offsets could not be read on assignment; consumption goes on from Kafka's commits. */
  onResumeError?(error: unknown): void;
}

export interface RunningProjection {
  /** Finishes the batch in hand and leaves the group, so its partitions move to the other members at once. */
  stop(): Promise<void>;
}

/**
 * Joins `groupId` on `topic` and keeps the read models in `pool` in step with it: each batch is
 * projected in one transaction with the partition's offset, and on assignment the member
 * resumes from the offsets stored with the read models rather than from Kafka's. The projector,
 * the auditor's rebuild and the benchmark all run the projection through here.
 */
export async function startProjection(
  kafka: Kafka,
  pool: Pool,
  { groupId, topic, partitions }: ProjectionSettings,
  hooks: ProjectionHooks = {},
): Promise<RunningProjection> {
  const consumer = new BatchConsumer(kafka, { groupId, topic, partitionsConsumedConcurrently: partitions });
  const handleBatch = async (batch: ConsumedBatch): Promise<BatchVerdict> => {
    hooks.onBatchStart?.(batch);
    const startedAt = performance.now();
    try {
      const answer = await projectBatch(
        pool,
        { groupId, topic: batch.topic, partition: batch.partition, records: batch.records },
        { beforeCommit: (outcome) => hooks.beforeCommit?.(outcome) },
      );
      hooks.onBatch?.(batch, answer, (performance.now() - startedAt) / 1000);
      return answer;
    } catch (error) {
      hooks.onBatchError?.(error);
      throw error;
    }
  };
  try {
    await consumer.start({
      handleBatch,
      storedOffsets: (assigned) => storedOffsets(pool, groupId, topic, assigned),
      onAssigned: (assigned) => hooks.onAssigned?.(assigned),
      onError: (error) => hooks.onResumeError?.(error),
    });
  } catch (error) {
    await consumer.stop().catch(() => undefined);
    throw error;
  }
  return { stop: () => consumer.stop() };
}
