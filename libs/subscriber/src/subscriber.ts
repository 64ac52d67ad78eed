import type { Pool } from 'pg';
import type { Registry } from 'prom-client';
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
} from '@ledger/messaging';
import { applyBatch, storedOffsets, type BatchAnswer } from './apply-batch';
import { SubscriberRefusal } from './errors';
import type { EventHandlers } from './handlers';
import { SubscriberMetrics } from './metrics';

export interface SubscriberSettings {
  /** The subscriber's name: its checkpoint rows and metrics carry it. */
  readonly name: string;
  readonly topic: string;
  /** The Kafka consumer group; default `subscriber-<name>` (the `ledger-subscriber` principal may use `subscriber-*`). */
  readonly groupId?: string;
  /** The Postgres schema of the checkpoint tables (installSubscriberTables); default `subscriber`. */
  readonly schema?: string;
  /** How many partitions' batches are handled at the same time, each in its own transaction. Default 1. */
  readonly partitionsConsumedConcurrently?: number;
  /** The prom-client registry for the metrics; default prom-client's global one. */
  readonly registry?: Registry;
}

export interface SubscriberHooks {
  /** A batch committed (or was sent back to an earlier offset). */
  onBatch?(batch: ConsumedBatch, answer: BatchAnswer): void;
  /** A batch's transaction failed (a handler or the database threw); it is retried after a pause. */
  onBatchError?(error: unknown, attempt: number): void;
  /** After the handlers' effects and the checkpoint are written, before COMMIT: a test fault hook. */
  beforeCommit?(events: readonly RecordedEnvelope[]): void;
}

/**
 * A consumer of the ledger's topic that hands each event, upcast to its type's current version,
 * to a typed handler inside a Postgres transaction that also stores the subscriber's checkpoint
 * (offsets per topic instance and partition, last version and hash per stream). Each event's
 * effect therefore happens once whatever Kafka redelivers; a record that breaks its stream's hash
 * chain, is no valid event or belongs to no instance of the partition stops the subscriber with
 * a named error (`stopped` rejects with it). A batch whose transaction fails otherwise (a handler
 * threw, the database is away) is retried with backoff while the member heartbeats.
 */
export class Subscriber {
  private readonly consumer: BatchConsumer;
  private readonly metrics: SubscriberMetrics;
  private readonly memory = new TopicInstances();
  private readonly schema: string;
  private settle: { resolve: () => void; reject: (error: unknown) => void } | undefined;
  private stopping: Promise<void> | undefined;
  /** Resolves when the subscriber is stopped by stop(), rejects with the error it stopped on otherwise. */
  readonly stopped: Promise<void>;

  constructor(
    kafka: Kafka,
    private readonly pool: Pool,
    private readonly settings: SubscriberSettings,
    private readonly handlers: EventHandlers,
    private readonly hooks: SubscriberHooks = {},
  ) {
    this.schema = settings.schema ?? 'subscriber';
    this.metrics = new SubscriberMetrics(settings.registry);
    this.consumer = new BatchConsumer(kafka, {
      groupId: settings.groupId ?? `subscriber-${settings.name}`,
      topic: settings.topic,
      partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? 1,
    });
    this.stopped = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    // A subscriber nobody awaits still reports its refusal through the metric and the log of its owner.
    this.stopped.catch(() => undefined);
  }

  async start(): Promise<void> {
    const { name, topic } = this.settings;
    this.metrics.stopped.set({ subscriber: name }, 0);
    try {
      await this.consumer.start({
        handleBatch: (batch, control) => this.handleBatch(batch, control),
        storedOffsets: (partitions) => storedOffsets(this.pool, this.schema, name, topic, partitions),
        onStopped: (error) => void this.finish(error),
      });
    } catch (error) {
      await this.consumer.stop().catch(() => undefined);
      throw error;
    }
  }

  /** Finishes the batch in hand (its transaction commits or rolls back whole), leaves the group, disconnects. */
  stop(): Promise<void> {
    return this.finish(undefined);
  }

  private finish(error: unknown): Promise<void> {
    this.stopping ??= this.consumer.stop().finally(() => {
      if (error === undefined) this.settle?.resolve();
      else this.settle?.reject(error);
    });
    return this.stopping;
  }

  private async handleBatch(batch: ConsumedBatch, control: BatchControl): Promise<BatchVerdict> {
    const name = this.settings.name;
    for (let attempt = 1; ; attempt++) {
      if (this.stopping) return { outcome: 'abandoned' };
      try {
        const answer = await heartbeatingWhile(control, () =>
          applyBatch(
            this.pool,
            { subscriber: name, ...batch },
            {
              schema: this.schema,
              handlers: this.handlers,
              instances: this.memory,
              beforeCommit: (events) => this.hooks.beforeCommit?.(events),
            },
          ),
        );
        this.hooks.onBatch?.(batch, answer);
        if (answer.outcome === 'rewind') return answer;
        for (const [outcome, count] of [
          ['handled', answer.handled],
          ['unhandled', answer.unhandled],
          ['duplicate', answer.duplicates],
          ['genesis', answer.genesis],
        ] as const) {
          if (count > 0) this.metrics.records.inc({ subscriber: name, outcome }, count);
        }
        const lag = BigInt(batch.highWatermark) - BigInt(batch.nextOffset);
        this.metrics.lag.set(
          { subscriber: name, partition: String(batch.partition) },
          Number(lag > 0n ? lag : 0n),
        );
        return { outcome: 'processed' };
      } catch (error) {
        if (error instanceof SubscriberRefusal) {
          this.metrics.refusals.inc({ subscriber: name, reason: error.reason });
          this.metrics.stopped.set({ subscriber: name }, 1);
          // Not awaited: the consumer's stop waits for this very batch to return.
          void this.finish(error);
          return { outcome: 'abandoned' };
        }
        this.metrics.handlerFailures.inc({ subscriber: name });
        this.hooks.onBatchError?.(error, attempt);
        if (!(await pauseHeartbeating(control, retryPauseMs(attempt)))) return { outcome: 'abandoned' };
      }
    }
  }
}
