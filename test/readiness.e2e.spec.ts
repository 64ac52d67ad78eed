import {
  testTopic,
  testProjectorGroup,
  createTestDatabase,
  eventually,
  type TestDatabase,
} from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort } from './support/app-process';
import { PrivateKafka } from './support/private-kafka';

/** What a probe may say about a check that is down: a stable reason, nothing from a driver. */
const STABLE_REASONS = ['unreachable', 'timeout'];
/** The relay also vouches for its own duty; a term that failed for want of Kafka says so. */
const CHECKS = { relay: ['kafka', 'postgres', 'publishing'], projector: ['kafka', 'postgres', 'projection'] };
/** The readiness bound (2 s) plus room for the HTTP round trip on a busy machine. */
const PROBE_BOUND_MS = 3_500;

interface Probe {
  readonly status: number;
  readonly body: {
    status: string;
    info: Record<string, { status: string }>;
    error: Record<string, { status: string; reason?: string }>;
  };
  readonly elapsedMs: number;
}

async function probe(port: number): Promise<Probe> {
  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
  const body = (await response.json()) as Probe['body'];
  return { status: response.status, body, elapsedMs: Date.now() - started };
}

describe('relay and projector readiness through a broker outage', () => {
  let broker: PrivateKafka;
  let db: TestDatabase;
  const apps: Array<{ app: AppProcess; port: number }> = [];

  beforeAll(async () => {
    await ensureBuilt();
    [broker, db] = await Promise.all([PrivateKafka.create(), createTestDatabase()]);
    const topic = testTopic('events');
    await broker.createTopic(topic, 3);
    const env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      KAFKA_TOPIC: topic,
      KAFKA_TOPIC_PARTITIONS: '3',
      PROJECTOR_GROUP_ID: testProjectorGroup('projector'),
    };
    for (const name of ['relay', 'projector'] as const) {
      const port = await freePort();
      apps.push({ app: AppProcess.start(name, env, port), port });
    }
  });

  afterAll(async () => {
    await Promise.all(apps.map(({ app }) => app.stop()));
    await broker?.destroy();
    await db?.drop();
  });

  it('is 503 naming kafka within the bound while the broker is down, and 200 again once it is back', async () => {
    for (const { app, port } of apps) {
      await eventually(async () => {
        if (app.exitedWith() !== undefined) throw new Error(`${app.name} exited:\n${app.output()}`);
        const ready = await probe(port);
        expect(ready.status).toBe(200);
        expect(Object.keys(ready.body.info).sort()).toEqual(CHECKS[app.name as keyof typeof CHECKS]);
      });
    }

    await broker.stop();
    for (const { app, port } of apps) {
      // Every probe of the outage answers in time, and the first one already knows.
      for (let attempt = 0; attempt < 3; attempt++) {
        const down = await probe(port);
        expect({ app: app.name, status: down.status }).toEqual({ app: app.name, status: 503 });
        expect(down.elapsedMs).toBeLessThan(PROBE_BOUND_MS);
        // Postgres is up; an idle leader or a projector between batches may still be fine with its duty.
        expect(down.body.info.postgres).toMatchObject({ status: 'up' });
        expect(Object.keys(down.body.info)).not.toContain('kafka');
        expect(Object.keys(down.body.error)).toContain('kafka');
        const { status, reason, ...rest } = down.body.error.kafka;
        expect(status).toBe('down');
        expect(STABLE_REASONS).toContain(reason);
        expect(rest).toEqual({});
        const { kafka: _kafka, ...others } = down.body.error;
        for (const other of Object.values(others)) {
          expect(other).toEqual({ status: 'down', reason: 'kafka-unavailable' });
        }
      }
    }

    await broker.start();
    for (const { app, port } of apps) {
      await eventually(async () => {
        if (app.exitedWith() !== undefined) throw new Error(`${app.name} exited:\n${app.output()}`);
        expect((await probe(port)).status).toBe(200);
      });
    }
  });
});
