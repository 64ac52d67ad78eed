import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import type { Pool } from 'pg';
import { Counter, register } from 'prom-client';
import { fetch, type Agent } from 'undici';
import { Webhook } from 'standardwebhooks';
import { NOTIFIER_CONFIG, type NotifierConfig } from './notifier.config';
import { deliveryAgent } from './target-policy';
import { NOTIFIER_POOL } from './tokens';

interface DueDelivery {
  id: string;
  url: string;
  secret: string;
  message_id: string;
  body: string;
  attempts: number;
}

/** How long a claimed delivery is kept from other workers while its request is in flight. */
const CLAIM_MS = 60_000;
const BATCH = 20;

const attemptsTotal =
  (register.getSingleMetric('notifier_delivery_attempts_total') as Counter | undefined) ??
  new Counter({
    name: 'notifier_delivery_attempts_total',
    help: 'Webhook delivery attempts, by outcome: delivered, retry, failed',
    labelNames: ['outcome'],
  });

/** The pause after `attempts` failed attempts: base · 2^(attempts − 1), at most `max`. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(attempts - 1, 30));
}

/**
 * Sends due deliveries: each signed per Standard Webhooks (`webhook-id`, `webhook-timestamp`,
 * `webhook-signature`: HMAC-SHA256 over `id.timestamp.body` with the webhook's secret). A 2xx
 * answer delivers; anything else (another status, no answer within the timeout) is retried with
 * exponential backoff until `maxAttempts`, then the delivery is `failed` (a replay sends it
 * again). Every attempt is logged in `notifier.delivery_attempts`. Deliveries are claimed with
 * SKIP LOCKED, so several notifiers share the work.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;
  /** Connects only to addresses the target policy allows, judged on the address connected to. */
  private readonly dispatcher: Agent;

  constructor(
    @Inject(NOTIFIER_POOL) private readonly pool: Pool,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
  ) {
    this.dispatcher = deliveryAgent(config.targets);
  }

  onApplicationBootstrap(): void {
    this.schedule();
  }

  /** Before the pool closes (onApplicationShutdown), so the work in hand can finish. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await this.dispatcher.close();
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.sendDue()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.error(`delivering failed: ${String(error)}`))
        .finally(() => this.schedule());
    }, this.config.pollMs);
  }

  /** Sends what is due now; how many deliveries it tried. */
  async sendDue(): Promise<number> {
    const { rows } = await this.pool.query<DueDelivery>(
      `UPDATE notifier.deliveries d SET next_attempt_at = now() + make_interval(secs => $1::double precision / 1000)
       FROM notifier.webhooks w
       WHERE w.id = d.webhook_id AND d.id IN (
         SELECT id FROM notifier.deliveries WHERE status = 'pending' AND next_attempt_at <= now()
         ORDER BY next_attempt_at LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING d.id::text AS id, w.url, w.secret, d.message_id, d.body, d.attempts`,
      [CLAIM_MS, BATCH],
    );
    await Promise.all(rows.map((delivery) => this.attempt(delivery)));
    return rows.length;
  }

  private async attempt(delivery: DueDelivery): Promise<void> {
    const attempt = delivery.attempts + 1;
    const startedAt = Date.now();
    const timestamp = new Date();
    const signature = new Webhook(delivery.secret).sign(delivery.message_id, timestamp, delivery.body);
    let statusCode: number | null = null;
    let error: string | null = null;
    try {
      this.config.targets.checkUrl(delivery.url);
      const response = await fetch(delivery.url, {
        dispatcher: this.dispatcher,
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'webhook-id': delivery.message_id,
          'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
          'webhook-signature': signature,
        },
        body: delivery.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(this.config.timeoutMs),
      });
      statusCode = response.status;
      await response.body?.cancel();
      if (statusCode < 200 || statusCode >= 300) error = `answered ${statusCode}`;
    } catch (caught) {
      // fetch wraps what failed the connection (a refused target among them) as its cause.
      const cause = caught instanceof Error && caught.cause instanceof Error ? caught.cause : caught;
      error = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    }
    const delivered = error === null;
    const outcome = delivered ? 'delivered' : attempt >= this.config.maxAttempts ? 'failed' : 'retry';
    attemptsTotal.inc({ outcome });
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query(
        `INSERT INTO notifier.delivery_attempts (delivery_id, attempt, status_code, error, duration_ms)
         VALUES ($1, $2, $3, $4, $5)`,
        [delivery.id, attempt, statusCode, error, Date.now() - startedAt],
      );
      await client.query(
        `UPDATE notifier.deliveries SET attempts = $2,
           status = CASE $3 WHEN 'delivered' THEN 'delivered' WHEN 'failed' THEN 'failed' ELSE 'pending' END,
           delivered_at = CASE WHEN $3 = 'delivered' THEN now() END,
           next_attempt_at = now() + make_interval(secs => $4::double precision / 1000)
         WHERE id = $1`,
        [delivery.id, attempt, outcome, backoffMs(attempt, this.config.retryBaseMs, this.config.retryMaxMs)],
      );
      await client.query('COMMIT');
    } catch (caught) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw caught;
    } finally {
      client.release();
    }
  }
}
