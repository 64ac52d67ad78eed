import { performance } from 'node:perf_hooks';
import type { Pool } from 'pg';
import type { RecordedEnvelope } from '@ledger/contracts';
import {
  BatchConsumer,
  heartbeatingWhile,
  pauseHeartbeating,
  retryPauseMs,
  TopicInstances,
  type BatchControl,
  type BatchVerdict,
  type ConsumedBatch,
  type Kafka,
  type ResumePoint,
} from '@ledger/messaging';
import { projectBatch, storedOffsets, type BatchOutcome, type BatchResult } from './project-batch';
import { isTransientError } from './transient';

export interface ProjectionSettings {
  /** The consumer group; its offsets are stored with the read models under the same id. */
  readonly groupId: string;
  readonly topic: string;
  /** How many partitions' batches are projected at the same time, each in its own transaction. */
  readonly partitions: number;
  /**
   * Attempts at a batch that fails with an error that is not transient, before its events are
   * applied one stream, then one event at a time, and those the read models refuse are
   * dead-lettered ('apply-failed'). Default 3.
   */
  readonly applyAttempts?: number;
  /** A partition whose batch keeps failing for this long is reported stuck. Default 30 s. */
  readonly stuckAfterMs?: number;
  /** Records with a longer value become 'oversized' dead letters instead of being parsed. */
  readonly maxRecordBytes?: number;
  /** Events after this journal position are left out (a replay as the ledger stood then). */
  readonly untilPosition?: number;
}

export interface BatchFailure {
  readonly partition: number;
  /** 1 for the first attempt at the batch. */
  readonly attempt: number;
  /** Transient errors are retried for as long as they last; others a few times, then isolated. */
  readonly transient: boolean;
}

export interface ProjectionHooks {
  /** The partitions this member holds after joining the group. */
  onAssigned?(partitions: readonly number[]): void;
  /** Where the member resumed its partitions, and where Kafka's committed offsets were. */
  onResumed?(points: readonly ResumePoint[]): void;
  /** A batch arrived; its transaction is not open yet. */
  onBatchStart?(batch: ConsumedBatch): void;
  /** Called with the events of every applyEvents call (the test-only fault hook). */
  beforeApply?(events: readonly RecordedEnvelope[]): void;
  /** Called after every write of a batch and before COMMIT (the test-only fault hook). */
  beforeCommit?(outcome: BatchOutcome): void;
  /**
   * A batch is done: `processed` (committed to the read models, Kafka's commit follows) or
   * `rewind` (it is read again from `nextOffset`, for `reason`). `seconds` is the time its
   * last Postgres transaction took.
   */
  onBatch?(batch: ConsumedBatch, answer: BatchResult, seconds: number): void;
  /** An attempt at a batch failed; nothing of it was committed, and it is tried again after a pause. */
  onBatchError?(error: unknown, failure: BatchFailure): void;
  /** The consumer stopped for good (kafkajs does not retry the error); the projection is over. */
  onConsumerStopped?(error: unknown): void;
  /** A partition's batch has failed for `stuckAfterMs`; it is still being retried. */
  onStuck?(partition: number, error: unknown): void;
  /** A stuck partition's batch went through, or the member let it go (stopping, rebalancing). */
  onUnstuck?(partition: number): void;
  /** The stored offsets or Kafka's committed ones could not be read on assignment; consumption goes on. */
  onResumeError?(error: unknown): void;
  /** A heartbeat failed while a batch was being retried (the group coordinator out of reach). */
  onHeartbeatError?(error: unknown): void;
}

export interface RunningProjection {
  /** Finishes the batch in hand and leaves the group, so its partitions move to the other members at once. */
  stop(): Promise<void>;
}

/**
 * Joins `groupId` on `topic` and keeps the read models in `pool` in step with it: each batch is
 * projected in one transaction with the partition's offset, and on assignment the member
 * resumes from the offsets stored with the read models rather than from Kafka's. A batch that
 * fails is retried with backoff while the member keeps heartbeating: a transient error (the
 * database unreachable or contended) for as long as it lasts, any other error `applyAttempts`
 * times, then its events are isolated and those the read models refuse are dead-lettered, so a
 * partition never stalls on one record. The projector, the auditor's rebuild and the benchmark
 * all run the projection through here.
 */
export async function startProjection(
  kafka: Kafka,
  pool: Pool,
  {
    groupId,
    topic,
    partitions,
    applyAttempts = 3,
    stuckAfterMs = 30_000,
    maxRecordBytes,
    untilPosition,
  }: ProjectionSettings,
  hooks: ProjectionHooks = {},
): Promise<RunningProjection> {
  const consumer = new BatchConsumer(kafka, { groupId, topic, partitionsConsumedConcurrently: partitions });
  const instances = new TopicInstances();
  const options = {
    instances,
    limits: { maxValueBytes: maxRecordBytes },
    untilPosition,
    beforeApply: (events: readonly RecordedEnvelope[]) => hooks.beforeApply?.(events),
    beforeCommit: (outcome: BatchOutcome) => hooks.beforeCommit?.(outcome),
  };
  const handleBatch = async (batch: ConsumedBatch, control: BatchControl): Promise<BatchVerdict> => {
    hooks.onBatchStart?.(batch);
    const { partition } = batch;
    let deterministicFailures = 0;
    let failingSince: number | undefined;
    let stuck = false;
    try {
      for (let attempt = 1; ; attempt++) {
        const startedAt = performance.now();
        try {
          // A big batch waiting its turn on the projection lock can outlast the group session.
          const answer = await heartbeatingWhile(control, () =>
            projectBatch(
              pool,
              { groupId, ...batch },
              { ...options, isolate: deterministicFailures >= applyAttempts },
            ),
          );
          hooks.onBatch?.(batch, answer, (performance.now() - startedAt) / 1000);
          return answer;
        } catch (error) {
          const transient = isTransientError(error);
          if (!transient) deterministicFailures += 1;
          hooks.onBatchError?.(error, { partition, attempt, transient });
          failingSince ??= Date.now();
          if (!stuck && Date.now() - failingSince >= stuckAfterMs) {
            stuck = true;
            hooks.onStuck?.(partition, error);
          }
          if (!(await pauseHeartbeating(control, retryPauseMs(attempt)))) return { outcome: 'abandoned' };
        }
      }
    } finally {
      if (stuck) hooks.onUnstuck?.(partition);
    }
  };
  try {
    await consumer.start({
      handleBatch,
      storedOffsets: (assigned) => storedOffsets(pool, groupId, topic, assigned),
      onAssigned: (assigned) => hooks.onAssigned?.(assigned),
      onResumed: (points) => hooks.onResumed?.(points),
      onStopped: (error) => hooks.onConsumerStopped?.(error),
      onError: (error, during) =>
        during === 'resume' ? hooks.onResumeError?.(error) : hooks.onHeartbeatError?.(error),
    });
  } catch (error) {
    await consumer.stop().catch(() => undefined);
    throw error;
  }
  return { stop: () => consumer.stop() };
}
