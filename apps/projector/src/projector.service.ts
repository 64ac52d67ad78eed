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
  BatchConsumer,
  KAFKA,
  KAFKA_ADMIN,
  ensureEventTopic,
  type BatchVerdict,
  type Admin,
  type ConsumedBatch,
  type Kafka,
} from '@ledger/messaging';
import { projectBatch, storedOffsets, type BatchOutcome } from '@ledger/projection';
import { ProjectorMetrics } from './projector.metrics';

/**
 * Runs the consumer-group member that keeps the read models in step with the event topic, and
 * leaves the group cleanly on shutdown so its partitions move to the other members at once.
 */
@Injectable()
export class ProjectorService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ProjectorService.name);
  private readonly consumer: BatchConsumer;
  private applyingBatches = 0;

  constructor(
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(PG_POOL) private readonly pool: Pool,
    @Inject(KAFKA) kafka: Kafka,
    @Inject(KAFKA_ADMIN) private readonly admin: Admin,
    private readonly metrics: ProjectorMetrics,
  ) {
    this.consumer = new BatchConsumer(kafka, {
      groupId: config.projector.groupId,
      topic: config.kafka.topic,
      partitionsConsumedConcurrently: config.kafka.partitions,
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    const { groupId } = this.config.projector;
    const { topic } = this.config.kafka;
    await ensureEventTopic(this.admin, this.config.kafka);
    await this.consumer.start({
      handleBatch: (batch) => this.handleBatch(batch),
      storedOffsets: (partitions) => storedOffsets(this.pool, groupId, topic, partitions),
      onAssigned: (partitions) => {
        this.metrics.lag.reset();
        this.metrics.assignedPartitions.set(partitions.length);
        this.logger.log(`assigned partitions [${partitions.join(', ')}] of ${topic}`);
      },
      onError: (error) => this.logger.warn(`could not resume from stored offsets: ${String(error)}`),
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
    this.metrics.assignedPartitions.set(0);
  }

  private async handleBatch(batch: ConsumedBatch): Promise<BatchVerdict> {
    const stopTimer = this.metrics.batchDuration.startTimer();
    const answer = await projectBatch(
      this.pool,
      {
        groupId: this.config.projector.groupId,
        topic: batch.topic,
        partition: batch.partition,
        records: batch.records,
      },
      { beforeCommit: (outcome) => this.fault('kill-before-commit', outcome) },
    );
    stopTimer();
    switch (answer.outcome) {
      case 'rewind':
        this.logger.warn(
          `partition ${batch.partition}: the read models are behind Kafka's committed offset; re-reading from ${answer.nextOffset}`,
        );
        return answer;
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
        return answer;
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
