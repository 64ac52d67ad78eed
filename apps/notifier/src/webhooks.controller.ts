import { randomBytes, randomUUID } from 'node:crypto';
import { Body, Controller, Get, HttpCode, Inject, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import type { Pool } from 'pg';
import { Problem, validationProblem } from '@ledger/http';
import { NOTIFIER_CONFIG, type NotifierConfig } from './notifier.config';
import { TargetRefused } from './target-policy';
import { NOTIFIER_POOL } from './tokens';
import { RegisterWebhookDto } from './webhook.dto';

const uuid = new ParseUUIDPipe({
  exceptionFactory: () => new Problem(400, 'invalid-id', 'The id must be a UUID'),
});

interface DeliveryRow {
  id: string;
  message_id: string;
  event_id: string;
  event_type: string;
  stream_id: string;
  stream_version: number;
  status: string;
  attempts: number;
  next_attempt_at: Date;
  delivered_at: Date | null;
  replay_of: string | null;
  created_at: Date;
  log: {
    attempt: number;
    attemptedAt: string;
    statusCode: number | null;
    error: string | null;
    durationMs: number;
  }[];
}

@Controller('v1')
export class WebhooksController {
  constructor(
    @Inject(NOTIFIER_POOL) private readonly pool: Pool,
    @Inject(NOTIFIER_CONFIG) private readonly config: NotifierConfig,
  ) {}

  /** Registers a webhook and answers its signing secret (`whsec_…`), which is shown this once. */
  @Post('webhooks')
  async register(@Body() body: RegisterWebhookDto) {
    try {
      this.config.targets.checkUrl(body.url);
    } catch (error) {
      if (error instanceof TargetRefused) throw validationProblem([{ field: 'url', message: error.message }]);
      throw error;
    }
    const id = randomUUID();
    const secret = `whsec_${randomBytes(32).toString('base64')}`;
    const watch = {
      eventTypes: body.watch?.eventTypes ?? [],
      hsCodes: body.watch?.hsCodes ?? [],
      elements: body.watch?.elements ?? [],
      imposers: body.watch?.imposers ?? [],
    };
    const { rows } = await this.pool.query<{ created_at: Date }>(
      `INSERT INTO notifier.webhooks (id, url, secret, event_types, hs_codes, elements, imposers)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING created_at`,
      [id, body.url, secret, watch.eventTypes, watch.hsCodes, watch.elements, watch.imposers],
    );
    return { id, url: body.url, secret, watch, createdAt: rows[0].created_at.toISOString() };
  }

  /** The webhook's deliveries, newest first, each with its attempts. */
  @Get('webhooks/:id/deliveries')
  async deliveries(@Param('id', uuid) id: string) {
    const found = await this.pool.query('SELECT 1 FROM notifier.webhooks WHERE id = $1', [id]);
    if (found.rowCount === 0) throw new Problem(404, 'webhook-not-found', `No webhook ${id}`);
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT d.id::text AS id, d.message_id, d.event_id::text AS event_id, d.event_type, d.stream_id,
              d.stream_version, d.status, d.attempts, d.next_attempt_at, d.delivered_at,
              d.replay_of::text AS replay_of, d.created_at,
              coalesce((SELECT json_agg(json_build_object('attempt', a.attempt, 'attemptedAt', a.attempted_at,
                          'statusCode', a.status_code, 'error', a.error, 'durationMs', a.duration_ms)
                        ORDER BY a.attempt)
                        FROM notifier.delivery_attempts a WHERE a.delivery_id = d.id), '[]') AS log
       FROM notifier.deliveries d WHERE d.webhook_id = $1
       ORDER BY d.created_at DESC, d.id LIMIT 500`,
      [id],
    );
    return {
      webhookId: id,
      deliveries: rows.map((row) => ({
        id: row.id,
        messageId: row.message_id,
        eventId: row.event_id,
        eventType: row.event_type,
        streamId: row.stream_id,
        streamVersion: row.stream_version,
        status: row.status,
        attempts: row.attempts,
        nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
        deliveredAt: row.delivered_at?.toISOString() ?? null,
        replayOf: row.replay_of,
        createdAt: row.created_at.toISOString(),
        attemptLog: row.log,
      })),
    };
  }

  /**
   * Sends a delivery again as a new delivery of the same message (same `webhook-id`, same body,
   * a fresh timestamp and signature), whatever became of the original.
   */
  @Post('deliveries/:id/replay')
  @HttpCode(202)
  async replay(@Param('id', uuid) id: string) {
    const replayId = randomUUID();
    const { rows } = await this.pool.query<{ webhook_id: string; message_id: string }>(
      `INSERT INTO notifier.deliveries
         (id, webhook_id, message_id, event_id, event_type, stream_id, stream_version, body, replay_of)
       SELECT $2, webhook_id, message_id, event_id, event_type, stream_id, stream_version, body, id
       FROM notifier.deliveries WHERE id = $1
       RETURNING webhook_id::text AS webhook_id, message_id`,
      [id, replayId],
    );
    if (rows.length === 0) throw new Problem(404, 'delivery-not-found', `No delivery ${id}`);
    return {
      id: replayId,
      replayOf: id,
      webhookId: rows[0].webhook_id,
      messageId: rows[0].message_id,
      status: 'pending',
    };
  }
}
