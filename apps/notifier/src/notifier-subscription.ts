import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { EVENT_STREAM_TYPES, EVENT_TYPES, type EventEnvelope } from '@ledger/contracts';
import type { Kafka } from '@ledger/messaging';
import { Subscriber, type EventHandlers } from '@ledger/subscriber';
import { enqueueDeliveries } from './deliveries';
import { NOTIFIER_CONFIG, type NotifierConfig } from './notifier.config';
import { NOTIFIER_KAFKA, NOTIFIER_POOL } from './tokens';

/** The policy event types: what webhooks may watch (the ledger's own streams are not delivered). */
export const POLICY_EVENT_TYPES = EVENT_TYPES.filter((type) => !EVENT_STREAM_TYPES[type].includes('ledger'));

const enqueue = async (event: EventEnvelope, tx: Parameters<typeof enqueueDeliveries>[1]) => {
  await enqueueDeliveries(event, tx);
};

/** One handler per policy event type, each recording the event's deliveries. */
export const NOTIFIER_HANDLERS = Object.fromEntries(
  POLICY_EVENT_TYPES.map((type) => [type, enqueue]),
) as EventHandlers;

/**
 * The notifier's subscription to the event topic, through the subscriber SDK: deliveries are
 * recorded in the same transaction as the checkpoint. A refused record (a broken hash chain, an
 * unreadable or foreign record) stops it; readiness then fails and the log says why.
 */
@Injectable()
export class NotifierSubscription implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(NotifierSubscription.name);
  private readonly subscriber: Subscriber;
  private failure: Error | undefined;

  constructor(
    @Inject(NOTIFIER_KAFKA) kafka: Kafka,
    @Inject(NOTIFIER_POOL) pool: Pool,
    @Inject(NOTIFIER_CONFIG) config: NotifierConfig,
  ) {
    this.subscriber = new Subscriber(
      kafka,
      pool,
      { name: 'notifier', topic: config.topic, groupId: config.groupId, schema: 'notifier' },
      NOTIFIER_HANDLERS,
      {
        onBatchError: (error, attempt) =>
          this.logger.warn(`a batch failed (attempt ${attempt}), retrying: ${String(error)}`),
      },
    );
    this.subscriber.stopped.catch((error: unknown) => {
      this.failure = error instanceof Error ? error : new Error(String(error));
      this.logger.error(`the subscription stopped: ${String(error)}`);
    });
  }

  /** Why the subscription stopped, when it did so on its own. */
  get stoppedOn(): Error | undefined {
    return this.failure;
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.subscriber.start();
  }

  /** Before the pool closes (onApplicationShutdown), so the work in hand can finish. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.subscriber.stop();
  }
}
