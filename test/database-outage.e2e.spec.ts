import { Pool } from 'pg';
import { Journal } from '@ledger/journal';
import type { Kafka } from '@ledger/messaging';
import { testTopic, testProjectorGroup, eventually } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort } from './support/app-process';
import { KEYS, createEventTopic } from './support/ledger-harness';
import { imposeReciprocalOnChina } from './support/policy-bodies';
import { PrivatePostgres } from './support/private-postgres';
import { expectTopicMirrorsJournal, publishedPosition } from './support/relay-harness';

interface Answer {
  readonly id: string;
  /** The HTTP status, or `no-answer` when the request itself failed (connection reset...). */
  readonly status: number | 'no-answer';
  readonly retryAfter: string | null;
  readonly contentType: string | null;
  readonly code?: string;
}

/**
 * Writers that keep creating tariff measures, each under a new id, until stopped, and record
 * every answer: what a busy admin client does while the database goes away and comes back.
 */
class WriteStream {
  readonly answers: Answer[] = [];
  inFlight = 0;
  private running = true;
  private next = 0;
  private readonly loops: Promise<void>[];

  constructor(
    private readonly baseUrl: string,
    writers: number,
  ) {
    this.loops = Array.from({ length: writers }, () => this.loop());
  }

  count(status: number, from = 0): number {
    return this.answers.slice(from).filter((answer) => answer.status === status).length;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(): Promise<void> {
    while (this.running) {
      const id = `outage-${this.next++}`;
      this.inFlight++;
      this.answers.push(await this.write(id));
      this.inFlight--;
      // Paces each writer a little so the stream does not starve the other tests' CPU.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  private async write(id: string): Promise<Answer> {
    try {
      const response = await fetch(`${this.baseUrl}/v1/tariff-measures`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${KEYS.admin}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(imposeReciprocalOnChina(id)),
      });
      const body = (await response.json()) as { code?: string };
      return {
        id,
        status: response.status,
        retryAfter: response.headers.get('retry-after'),
        contentType: response.headers.get('content-type'),
        code: body.code,
      };
    } catch {
      return { id, status: 'no-answer', retryAfter: null, contentType: null };
    }
  }
}

describe('the ledger through a database outage', () => {
  let postgres: PrivatePostgres;
  let api: AppProcess;
  let relay: AppProcess;
  let projector: AppProcess;
  let kafka: Kafka;
  let baseUrl: string;
  const topic = testTopic('events');

  beforeAll(async () => {
    await ensureBuilt();
    postgres = await PrivatePostgres.create();
    kafka = await createEventTopic(topic, 3);
    const port = await freePort();
    api = AppProcess.start(
      'admin-api',
      {
        DATABASE_URL: postgres.url(),
        // Nothing listens there: the admin API must not need Kafka to serve.
        KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
        ADMIN_API_KEY: KEYS.admin,
        READER_API_KEY: KEYS.reader,
      },
      port,
    );
    const pipeline = { DATABASE_URL: postgres.url(), KAFKA_TOPIC: topic, KAFKA_TOPIC_PARTITIONS: '3' };
    relay = AppProcess.start(
      'relay',
      { ...pipeline, RELAY_POLL_MS: '100', RELAY_LEASE_MS: '5000' },
      await freePort(),
    );
    projector = AppProcess.start('projector', {
      ...pipeline,
      PROJECTOR_GROUP_ID: testProjectorGroup('projector'),
    });
    baseUrl = `http://127.0.0.1:${port}`;
    await eventually(async () => expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200));
  });

  afterAll(async () => {
    await Promise.all([api?.stop(), relay?.stop(), projector?.stop()]);
    await postgres?.destroy();
  });

  it('answers 201 or 503 with Retry-After through a restart and a stop, recovers by itself, and publishes and projects exactly the 201s', async () => {
    const writes = new WriteStream(baseUrl, 4);
    try {
      await eventually(() => expect(writes.count(201)).toBeGreaterThanOrEqual(10));

      // A restart with writes in flight: writers pause between writes, so wait for a moment when
      // one is on the wire (nothing runs between this check and the restart but microtasks).
      await eventually(() => expect(writes.inFlight).toBeGreaterThan(0), { intervalMs: 1 });
      const inFlightAtRestart = writes.inFlight;
      await postgres.restart();
      const restarted = writes.answers.length;
      await eventually(() => expect(writes.count(201, restarted)).toBeGreaterThanOrEqual(10));

      // Stopped for a while: every write is refused with 503, readiness names Postgres, and a
      // key that is not cached is not mistaken for an unknown one.
      await postgres.stop();
      const stopped = writes.answers.length;
      await eventually(() => expect(writes.count(503, stopped)).toBeGreaterThanOrEqual(20));

      const ready = await fetch(`${baseUrl}/health/ready`);
      expect(ready.status).toBe(503);
      expect(await ready.json()).toEqual({
        status: 'error',
        info: {},
        error: { postgres: { status: 'down', reason: 'unreachable' } },
        details: { postgres: { status: 'down', reason: 'unreachable' } },
      });
      expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);

      const read = await fetch(`${baseUrl}/v1/licences`, {
        headers: { Authorization: `Bearer ${KEYS.reader}` },
      });
      expect(read.status).toBe(503);
      expect(read.headers.get('retry-after')).toMatch(/^\d+$/);
      expect(((await read.json()) as { code: string }).code).toBe('database-unavailable');

      // Back, without touching the admin API.
      await postgres.start();
      const started = writes.answers.length;
      await eventually(() => expect(writes.count(201, started)).toBeGreaterThanOrEqual(10));
      expect((await fetch(`${baseUrl}/health/ready`)).status).toBe(200);

      expect(inFlightAtRestart).toBeGreaterThan(0);
      expect(api.exitedWith()).toBeUndefined();
    } finally {
      await writes.stop();
    }

    const refused = writes.answers.filter((answer) => answer.status !== 201);
    for (const answer of refused) {
      expect(answer).toEqual({
        id: answer.id,
        status: 503,
        retryAfter: expect.stringMatching(/^\d+$/),
        contentType: expect.stringMatching(/^application\/problem\+json/),
        code: 'database-unavailable',
      });
    }

    const accepted = writes.answers.filter((answer) => answer.status === 201).map((answer) => answer.id);
    const pool = new Pool({ connectionString: postgres.url(), max: 2 });
    try {
      const { rows } = await pool.query<{ stream_id: string }>(
        `SELECT stream_id FROM journal.events WHERE stream_id LIKE 'outage-%'`,
      );
      expect(rows.map((row) => row.stream_id).sort()).toEqual([...accepted].sort());

      // The relay and the projector lived through the same outage and carried on by themselves.
      const journal = new Journal(pool);
      const head = await journal.headPosition();
      await eventually(async () => expect(await publishedPosition(journal, topic)).toBe(head), {
        timeoutMs: 120_000,
      });
      await eventually(() => expectTopicMirrorsJournal(kafka, topic, journal));
      const projected = async () =>
        (await pool.query<{ id: string }>('SELECT event_id::text AS id FROM read_models.events ORDER BY 1'))
          .rows;
      const inJournal = (await journal.readCommitted(0, 100_000)).map((event) => ({ id: event.id }));
      await eventually(
        async () => expect(await projected()).toEqual([...inJournal].sort((a, b) => (a.id < b.id ? -1 : 1))),
        {
          timeoutMs: 120_000,
        },
      );
      const ready = (await (await fetch(`http://127.0.0.1:${relay.port}/health/ready`)).json()) as {
        info: { publishing?: { role: string } };
      };
      expect(ready.info.publishing?.role).toBe('leader');
      expect([relay.exitedWith(), projector.exitedWith()]).toEqual([undefined, undefined]);
    } finally {
      await pool.end();
    }
  });
});
