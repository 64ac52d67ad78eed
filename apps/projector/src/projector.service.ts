import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import type { RecordedEnvelope } from '@ledger/contracts';
import { PG_POOL } from '@ledger/database';
import {
  KAFKA,
  KAFKA_ADMIN,
  assertEventTopic,
  type Admin,
  type ConsumedBatch,
  type Kafka,
  type ResumePoint,
} from '@ledger/messaging';
import {
  startProjection,
  type BatchFailure,
  type BatchOutcome,
  type BatchResult,
  type RunningProjection,
} from '@ledger/projection';
import { ProjectorMetrics } from './projector.metrics';
import { ProjectorStatus } from './projector.status';

/**
 * Runs the consumer-group member that keeps the read models in step with the event topic, and
 * leaves the group cleanly on shutdown so its partitions move to the other members at once.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  private projection: RunningProjection | undefined;
  private applyingBatches = 0;
  private faultsThrown = 0;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly metrics: ProjectorMetrics,
    private readonly status: ProjectorStatus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { topic } = this.config.kafka;
    const { groupId, applyAttempts, stuckAfterMs, maxRecordBytes } = this.config.projector;
    // Checked, not created: topics are made by the admin principal (scripts/topic.js); the
    // projector's may only read them.
    await assertEventTopic(this.admin, this.config.kafka);
    this.projection = await startProjection(
      this.kafka,
      this.pool,
      {
        groupId,
        topic,
        partitions: this.config.kafka.partitions,
        applyAttempts,
        stuckAfterMs,
        maxRecordBytes,
      },
      {
        onAssigned: (partitions) => {
          this.metrics.lag.reset();
          this.metrics.assignedPartitions.set(partitions.length);
          this.status.assign(partitions);
          this.logger.log(`assigned partitions [${partitions.join(', ')}] of ${topic}`);
        },
        onResumed: (points) => this.resumed(points),
        beforeApply: (events) => this.applyFault(events),
        beforeCommit: (outcome) => this.killFault('kill-before-commit', outcome),
        onBatch: (batch, answer, seconds) => this.batchDone(batch, answer, seconds),
        onBatchError: (error, failure) => this.batchFailed(error, failure),
        onStuck: (partition, error) => {
          this.status.markStuck(partition, new Date());
          this.metrics.stuckPartitions.set({ partition: String(partition) }, 1);
          this.logger.error(
            `partition ${partition} is stuck: its batch has failed for ${stuckAfterMs} ms and is still retried (${String(error)})`,
          );
        },
        onUnstuck: (partition) => {
          this.status.clearStuck(partition);
          this.metrics.stuckPartitions.set({ partition: String(partition) }, 0);
          this.logger.log(`partition ${partition} is no longer stuck`);
        },
        onResumeError: (error) => this.logger.warn(`could not resume from stored offsets: ${String(error)}`),
        onHeartbeatError: (error) =>
          this.logger.warn(`heartbeat failed while retrying a batch: ${String(error)}`),
        onConsumerStopped: (error) => this.consumerStopped(error),
      },
    );
  }

  /**
   * kafkajs gave the consumer up (typically refused by an ACL: the group is not the principal's).
   * Readiness says so rather than leaving an idle projector that looks ready; it takes a restart
   * once the cause is fixed.
   */
  private consumerStopped(error: unknown): void {
    this.status.markStopped(new Date());
    this.logger.error(
      `the Kafka consumer stopped for good: ${String(error)}; check the ACLs of group ` +
        `${this.config.projector.groupId} and restart the projector`,
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    const projection = this.projection;
    this.projection = undefined;
    await projection?.stop();
    this.metrics.assignedPartitions.set(0);
  }

  private resumed(points: readonly ResumePoint[]): void {
    for (const { partition, stored, committed } of points) {
      const gap = BigInt(stored) - BigInt(committed ?? '0');
      if (gap <= 0n) continue;
      this.metrics.resumeGap.inc(Number(gap));
      this.logger.log(
        `partition ${partition}: resuming at the stored offset ${stored}, ahead of Kafka's committed ${committed ?? 'none'}`,
      );
    }
  }

  private batchDone(batch: ConsumedBatch, answer: BatchResult, seconds: number): void {
    this.metrics.batchDuration.observe(seconds);
    switch (answer.outcome) {
      case 'rewind':
        this.metrics.rewinds.inc();
        this.logger.warn(
          `partition ${batch.partition}: re-reading from ${answer.nextOffset}: ${answer.reason}`,
        );
        return;
      case 'processed': {
        const lag = BigInt(batch.highWatermark) - BigInt(batch.nextOffset);
        const behind = Number(lag > 0n ? lag : 0n);
        this.metrics.recordBatch(batch.partition, batch.records.length, behind, answer.result);
        this.status.recordLag(batch.partition, behind);
        this.killFault('kill-after-commit', answer.result);
        return;
      }
    }
  }

  private batchFailed(error: unknown, { partition, attempt, transient }: BatchFailure): void {
    this.metrics.batchFailures.inc({ error: transient ? 'transient' : 'deterministic' });
    const isolating = !transient && attempt >= this.config.projector.applyAttempts;
    this.logger.warn(
      `partition ${partition}: attempt ${attempt} failed (${transient ? 'transient' : 'deterministic'}): ${String(error)}` +
        (isolating ? '; next attempt isolates the events the read models refuse' : ''),
    );
  }

  /** The test-only fault hook: dies without any cleanup, as a crash would. */
  private killFault(step: 'kill-before-commit' | 'kill-after-commit', outcome: BatchOutcome): void {
    const fault = this.config.projector.fault;
    if (fault?.step !== step || outcome.applied === 0) return;
    this.applyingBatches += 1;
    if (this.applyingBatches > fault.afterBatches) process.kill(process.pid, 'SIGKILL');
  }

  /** The test-only fault hook: applying the chosen stream's events fails its first `times` times. */
  private applyFault(events: readonly RecordedEnvelope[]): void {
    const fault = this.config.projector.fault;
    if (fault?.step !== 'apply-throws' || this.faultsThrown >= fault.times) return;
    if (!events.some((event) => event.streamId === fault.streamId)) return;
    this.faultsThrown += 1;
    throw new Error(`fault hook: applying ${fault.streamId} fails (${this.faultsThrown} of ${fault.times})`);
  }
}
