import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Webhook } from 'standardwebhooks';
import request from 'supertest';
import {
  createTestDatabase,
  eventually,
  roleUrl,
  testBrokers,
  testKafkaEnv,
  testTopic,
  uniqueName,
  type TestDatabase,
} from '@ledger/testing';
import { freePort } from '../../../test/support/app-process';
import { createEventTopic, produce, tariffStream } from '../../../test/support/projector-harness';
import { NotifierModule } from '../src/notifier.module';

const WAIT = { timeoutMs: 90_000, intervalMs: 100 };
const API_KEY = `notifier-test-${randomBytes(16).toString('hex')}`;

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
  /** What standardwebhooks made of it: the payload, or the verification error. */
  readonly verified: { type: string; data: { id: string; schemaVersion: number } } | Error;
  readonly answered: number;
}

/**
 * The webhook receivers, verifying every request with the standardwebhooks library against the
 * secret of the webhook registered for its path. `/flaky` answers 503 to the first two
 * requests of each message, then 204.
 */
class Receivers {
  readonly received: Received[] = [];
  readonly secrets = new Map<string, string>();
  private readonly tries = new Map<string, number>();
  private server: Server | undefined;
  url = '';

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const path = req.url ?? '';
        let verified: Received['verified'];
        try {
          verified = new Webhook(this.secrets.get(path) ?? '').verify(body, {
            'webhook-id': String(req.headers['webhook-id']),
            'webhook-timestamp': String(req.headers['webhook-timestamp']),
            'webhook-signature': String(req.headers['webhook-signature']),
          }) as Received['verified'];
        } catch (error) {
          verified = error as Error;
        }
        const key = `${path} ${String(req.headers['webhook-id'])}`;
        const tries = (this.tries.get(key) ?? 0) + 1;
        this.tries.set(key, tries);
        const answered = path === '/flaky' && tries <= 2 ? 503 : 204;
        this.received.push({ path, headers: req.headers, body, verified, answered });
        res.statusCode = answered;
        res.end();
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  at(path: string): Received[] {
    return this.received.filter((entry) => entry.path === path);
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe('notifier: webhooks for ledger events, end to end on the real broker', () => {
  let db: TestDatabase;
  let app: INestApplication;
  let http: ReturnType<typeof request>;
  const receivers = new Receivers();
  const topic = testTopic('notifier');
  const saved = { ...process.env };

  beforeAll(async () => {
    db = await createTestDatabase();
    await receivers.start();
    await createEventTopic(topic, 1);
    Object.assign(process.env, {
      NOTIFIER_API_KEY: API_KEY,
      // As its own role: a grant the notifier's SQL needs and lacks fails this test.
      DATABASE_URL: roleUrl(db.url, 'ledger_notifier'),
      NOTIFIER_DATABASE_URL: roleUrl(db.url, 'ledger_notifier'),
      KAFKA_BROKERS: testBrokers().join(','),
      ...testKafkaEnv('subscriber'),
      KAFKA_TOPIC: topic,
      NOTIFIER_GROUP_ID: uniqueName('subscriber-notifier-'),
      NOTIFIER_RETRY_BASE_MS: '200',
      NOTIFIER_POLL_MS: '100',
      // The receivers listen on loopback, which the notifier reaches only when told it may.
      NOTIFIER_ALLOWED_NETWORKS: '127.0.0.1/32',
      // Its request lines would fill the test output.
      LOG_LEVEL: 'warn',
    });
    app = await NestFactory.create(NotifierModule, { logger: ['error'] });
    app.enableShutdownHooks();
    await app.listen(0, '127.0.0.1');
    http = request(app.getHttpServer());
  });

  afterAll(async () => {
    await app?.close();
    process.env = saved;
    await receivers.stop();
    await db.drop();
  });

  const auth = { Authorization: `Bearer ${API_KEY}` };

  async function register(path: string, watch: object): Promise<{ id: string; secret: string }> {
    const answer = await http
      .post('/v1/webhooks')
      .set(auth)
      .send({ url: `${receivers.url}${path}`, watch })
      .expect(201);
    const body = answer.body as { id: string; secret: string };
    expect(body.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    receivers.secrets.set(path, body.secret);
    return body;
  }

  async function deliveries(webhookId: string) {
    const answer = await http.get(`/v1/webhooks/${webhookId}/deliveries`).set(auth).expect(200);
    return (
      answer.body as {
        deliveries: {
          id: string;
          messageId: string;
          eventId: string;
          status: string;
          attempts: number;
          replayOf: string | null;
          attemptLog: { statusCode: number | null }[];
        }[];
      }
    ).deliveries;
  }

  it('refuses calls without the API key, and bad registrations field by field', async () => {
    await http
      .post('/v1/webhooks')
      .send({ url: `${receivers.url}/a` })
      .expect(401);
    await http
      .get('/v1/webhooks/6a3c1d2e-0000-4000-8000-000000000000/deliveries')
      .set('Authorization', 'Bearer wrong')
      .expect(401);
    const bad = await http
      .post('/v1/webhooks')
      .set(auth)
      .send({
        url: 'ftp://example.org/hook',
        watch: { hsCodes: ['85a'], eventTypes: ['TariffInvented'], elements: ['Xx'], imposers: ['XX'] },
      })
      .expect(400);
    const fields = (bad.body as { errors: { field: string }[] }).errors.map((error) => error.field).sort();
    expect(fields).toEqual(['url', 'watch.elements', 'watch.eventTypes', 'watch.hsCodes', 'watch.imposers']);
    // The secret is the notifier's to make.
    const withSecret = await http
      .post('/v1/webhooks')
      .set(auth)
      .send({ url: `${receivers.url}/a`, secret: 'whsec_mine' })
      .expect(400);
    expect((withSecret.body as { errors: { field: string }[] }).errors.map((error) => error.field)).toEqual([
      'secret',
    ]);
    // Addresses inside the network that the operator did not open (here a cloud metadata service).
    for (const url of [
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]:8080/hook',
      'http://10.0.0.7/',
    ]) {
      const inside = await http.post('/v1/webhooks').set(auth).send({ url }).expect(400);
      expect((inside.body as { errors: { field: string; message: string }[] }).errors).toEqual([
        { field: 'url', message: expect.stringContaining('NOTIFIER_ALLOWED_NETWORKS') },
      ]);
    }
    await http.get('/v1/webhooks/not-a-uuid/deliveries').set(auth).expect(400);
    await http.get('/v1/webhooks/6a3c1d2e-0000-4000-8000-000000000000/deliveries').set(auth).expect(404);
    await http.post('/v1/deliveries/6a3c1d2e-0000-4000-8000-000000000000/replay').set(auth).expect(404);
    const { rows } = await db.pool.query<{ n: string }>('SELECT count(*)::text AS n FROM notifier.webhooks');
    expect(rows[0].n).toBe('0');
  });

  it('delivers matching events signed per Standard Webhooks, retries a failing receiver, and replays', async () => {
    const watcher = await register('/a', { hsCodes: ['8517'], imposers: ['US'] });
    const flaky = await register('/flaky', { eventTypes: ['TariffImposed'] });
    const elsewhere = await register('/cn', { imposers: ['CN'] });
    const events = tariffStream(`us-notified-${randomBytes(4).toString('hex')}`, 3);
    await produce(await createEventTopic(topic, 1), topic, events);

    // A measure on all products concerns HS 8517; every event of its stream reaches /a.
    await eventually(() => expect(receivers.at('/a')).toHaveLength(3), WAIT);
    await eventually(
      () => expect(receivers.at('/flaky').map((entry) => entry.answered)).toEqual([503, 503, 204]),
      WAIT,
    );
    for (const entry of [...receivers.at('/a'), ...receivers.at('/flaky')]) {
      expect(entry.verified).not.toBeInstanceOf(Error);
      expect(entry.headers['webhook-signature']).toMatch(/^v1,/);
    }
    const seen = receivers.at('/a').map((entry) => entry.verified as Exclude<Received['verified'], Error>);
    expect(seen.map((payload) => payload.data.id).sort()).toEqual(events.map((event) => event.id).sort());
    // Upcast before delivery: v1 records arrive in their type's current version.
    expect(seen.every((payload) => payload.data.schemaVersion === 2)).toBe(true);
    // The retries carry the same message id.
    expect(new Set(receivers.at('/flaky').map((entry) => entry.headers['webhook-id'])).size).toBe(1);

    const [first] = await deliveries(flaky.id);
    await eventually(async () => {
      const [delivery] = await deliveries(flaky.id);
      expect(delivery).toMatchObject({
        status: 'delivered',
        attempts: 3,
        eventId: events[0].id,
        replayOf: null,
      });
      expect(delivery.attemptLog.map((attempt) => attempt.statusCode)).toEqual([503, 503, 204]);
    }, WAIT);
    expect(await deliveries(elsewhere.id)).toEqual([]);
    expect((await deliveries(watcher.id)).every((delivery) => delivery.status === 'delivered')).toBe(true);

    const replay = await http.post(`/v1/deliveries/${first.id}/replay`).set(auth).expect(202);
    expect(replay.body).toMatchObject({ replayOf: first.id, messageId: first.messageId, status: 'pending' });
    await eventually(() => expect(receivers.at('/flaky')).toHaveLength(4), WAIT);
    const replayed = receivers.at('/flaky')[3];
    expect(replayed.verified).not.toBeInstanceOf(Error);
    expect(replayed.headers['webhook-id']).toBe(first.messageId);
    expect(replayed.body).toBe(receivers.at('/flaky')[2].body);
    await eventually(async () => {
      const log = await deliveries(flaky.id);
      expect(log).toHaveLength(2);
      expect(log.find((delivery) => delivery.replayOf === first.id)).toMatchObject({
        status: 'delivered',
        attempts: 1,
      });
    }, WAIT);
    expect(receivers.at('/cn')).toEqual([]);
  });

  it('runs as a process of its own: ready once subscribed, closed to calls without the key, stopped cleanly by SIGTERM', async () => {
    const port = await freePort();
    const child = spawn(
      process.execPath,
      [path.resolve(__dirname, '../../../dist/apps/notifier/src/main.js')],
      {
        env: {
          ...process.env,
          NOTIFIER_PORT: String(port),
          NOTIFIER_GROUP_ID: uniqueName('subscriber-notifier-'),
        },
        stdio: ['ignore', 'ignore', 'inherit'],
      },
    );
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    try {
      await eventually(
        async () => expect((await fetch(`http://127.0.0.1:${port}/health/ready`)).status).toBe(200),
        WAIT,
      );
      expect(
        (await fetch(`http://127.0.0.1:${port}/v1/webhooks/${randomBytes(4).toString('hex')}/deliveries`))
          .status,
      ).toBe(401);
      const stoppedAt = Date.now();
      child.kill('SIGTERM');
      const exit = await exited;
      // Nest closes the app, then ends the process by the signal it got.
      expect(exit.code === 0 || exit.signal === 'SIGTERM').toBe(true);
      expect(Date.now() - stoppedAt).toBeLessThan(15_000);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
