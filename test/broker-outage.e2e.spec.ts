import { Journal } from '@ledger/journal';
import {
  testTopic,
  testProjectorGroup,
  createTestDatabase,
  eventually,
  type TestDatabase,
} from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort } from './support/app-process';
import { KEYS } from './support/ledger-harness';
import { imposeReciprocalOnChina } from './support/policy-bodies';
import { PrivateKafka } from './support/private-kafka';
import { expectTopicMirrorsJournal, publishedPosition } from './support/relay-harness';

const WRITES = 500;
const WRITERS = 8;
/** How long the broker stays away: the scenario, not a wait for a condition. */
const OUTAGE_MS = 30_000;
/** The readiness bound (2 s) plus room for the HTTP round trip on a busy machine. */
const PROBE_BOUND_MS = 3_500;

async function probe(port: number): Promise<{ status: number; elapsedMs: number; body: unknown }> {
  const started = Date.now();
  const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
  return { status: response.status, body: await response.json(), elapsedMs: Date.now() - started };
}

describe('the ledger through a broker outage', () => {
  let broker: PrivateKafka;
  let db: TestDatabase;
  let journal: Journal;
  const apps: AppProcess[] = [];
  const topic = testTopic('events');

  beforeAll(async () => {
    await ensureBuilt();
    [broker, db] = await Promise.all([PrivateKafka.create(), createTestDatabase()]);
    journal = new Journal(db.pool);
    await broker.createTopic(topic, 3);
  });

  afterAll(async () => {
    await Promise.all(apps.map((app) => app.kill('SIGKILL')));
    await broker?.destroy();
    await db?.drop();
  });

  it('accepts every write while Kafka is down, says so within the bound, and publishes each event once when it is back', async () => {
    const env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      KAFKA_TOPIC: topic,
      KAFKA_TOPIC_PARTITIONS: '3',
      ADMIN_API_KEY: KEYS.admin,
      RELAY_POLL_MS: '100',
      PROJECTOR_GROUP_ID: testProjectorGroup('projector'),
    };
    const [apiPort, relayPort, projectorPort] = [await freePort(), await freePort(), await freePort()];
    apps.push(
      AppProcess.start('admin-api', env, apiPort),
      AppProcess.start('relay', env, relayPort),
      AppProcess.start('projector', env, projectorPort),
    );
    for (const port of [apiPort, relayPort, projectorPort]) {
      await eventually(async () => expect((await probe(port)).status).toBe(200));
    }

    await broker.stop();
    const down = Date.now();
    for (const port of [relayPort, projectorPort]) {
      const answer = await probe(port);
      expect(answer.status).toBe(503);
      expect(answer.elapsedMs).toBeLessThan(PROBE_BOUND_MS);
      expect(answer.body).toMatchObject({ error: { kafka: { status: 'down' } } });
    }

    const statuses: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < WRITES) {
          const id = `outage-${next++}`;
          const response = await fetch(`http://127.0.0.1:${apiPort}/v1/tariff-measures`, {
            method: 'POST',
            headers: { Authorization: `Bearer ${KEYS.admin}`, 'Content-Type': 'application/json' },
            body: JSON.stringify(imposeReciprocalOnChina(id)),
          });
          statuses.push(response.status);
        }
      }),
    );
    expect(statuses.filter((status) => status !== 201)).toEqual([]);
    expect(statuses).toHaveLength(WRITES);
    expect((await probe(apiPort)).status).toBe(200);

    await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - down))));
    await broker.start();

    const head = await journal.headPosition();
    await eventually(async () => expect(await publishedPosition(journal, topic)).toBe(head), {
      timeoutMs: 180_000,
    });
    await eventually(() => expectTopicMirrorsJournal(broker.kafka(), topic, journal));
    // The writes, and the admin API's record of registering its bootstrap key.
    const journalled = await journal.readCommitted(0, 10_000);
    expect(journalled.filter((event) => event.streamType !== 'ledger')).toHaveLength(WRITES);
    expect(journalled.filter((event) => event.type === 'ApiKeyCreated')).toHaveLength(1);
    await eventually(
      async () => {
        const { rows } = await db.pool.query<{ count: number }>(
          'SELECT count(*)::int AS count FROM read_models.events',
        );
        expect(rows[0].count).toBe(journalled.length);
      },
      { timeoutMs: 180_000 },
    );
    for (const port of [relayPort, projectorPort]) {
      await eventually(async () => expect((await probe(port)).status).toBe(200), { timeoutMs: 120_000 });
    }
    expect(apps.map((app) => app.exitedWith())).toEqual([undefined, undefined, undefined]);
  });
});
