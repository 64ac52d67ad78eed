import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { PG_POOL } from '@ledger/database';
import {
  KAFKA,
  KAFKA_ADMIN,
  ensureEventTopic,
  type Admin,
  type ConsumedBatch,
  type Kafka,
} from '@ledger/messaging';
import {
  startProjection,
  type BatchOutcome,
  type BatchResult,
  type RunningProjection,
} from '@ledger/projection';
import { ProjectorMetrics } from './projector.metrics';

/**
 * Runs the consumer-group member that keeps the read models in step with the event topic, and
 * leaves the group cleanly on shutdown so its partitions move to the other members at once.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  private projection: RunningProjection | undefined;
  private applyingBatches = 0;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) private readonly kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly metrics: ProjectorMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const { topic } = this.config.kafka;
    await ensureEventTopic(this.admin, this.config.kafka);
    this.projection = await startProjection(
      this.kafka,
      this.pool,
      { groupId: this.config.projector.groupId, topic, partitions: this.config.kafka.partitions },
      {
        onAssigned: (partitions) => {
          this.metrics.lag.reset();
          this.metrics.assignedPartitions.set(partitions.length);
          this.logger.log(`assigned partitions [${partitions.join(', ')}] of ${topic}`);
        },
        beforeCommit: (outcome) => this.fault('kill-before-commit', outcome),
        onBatch: (batch, answer, seconds) => this.batchDone(batch, answer, seconds),
        onResumeError: (error) => this.logger.warn(`could not resume from stored offsets: ${String(error)}`),
      },
    );
  }

  async beforeApplicationShutdown(): Promise<void> {
    const projection = this.projection;
    this.projection = undefined;
    await projection?.stop();
    this.metrics.assignedPartitions.set(0);
  }

  private batchDone(batch: ConsumedBatch, answer: BatchResult, seconds: number): void {
    this.metrics.batchDuration.observe(seconds);
    switch (answer.outcome) {
      case 'rewind':
        this.logger.warn(
          `partition ${batch.partition}: the read models are behind Kafka's committed offset; re-reading from ${answer.nextOffset}`,
        );
        return;
      case 'processed': {
        const last = batch.records[batch.records.length - 1].offset;
        this.metrics.recordBatch(
          batch.partition,
          batch.records.length,
          batch.highWatermark,
          last,
          answer.result,
        );
        this.fault('kill-after-commit', answer.result);
        return;
      }
    }
  }

  /** The test-only fault hook: dies without any cleanup, as a crash would. */
  private fault(step: 'kill-before-commit' | 'kill-after-commit', outcome: BatchOutcome): void {
    const fault = this.config.projector.fault;
    if (fault?.step !== step || outcome.applied === 0) return;
    this.applyingBatches += 1;
    if (this.applyingBatches > fault.afterBatches) process.kill(process.pid, 'SIGKILL');
  }
}
