import { Journal } from '@ledger/journal';
import { testTopic, createTestDatabase, eventually, type TestDatabase } from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort, runAuditor } from './support/app-process';
import { PrivateKafka } from './support/private-kafka';
import { appendBurst, expectTopicMirrorsJournal, publishedPosition } from './support/relay-harness';

const PARTITIONS = 3;

/** The journal's event ids, and the projected ones: equal when the read models hold every event once. */
async function expectProjectedAsJournal(db: TestDatabase, journal: Journal): Promise<void> {
  const journalIds = (await journal.readCommitted(0, 100_000)).map((event) => event.id).sort();
  const { rows } = await db.pool.query<{ id: string }>(
    'SELECT event_id::text AS id FROM read_models.events ORDER BY 1',
  );
  expect(rows.map((row) => row.id)).toEqual(journalIds);
}

describe('a new Kafka cluster under the same database (the broker wiped)', () => {
  let broker: PrivateKafka;
  let db: TestDatabase;
  let rebuilt: TestDatabase;
  let journal: Journal;
  const topic = testTopic('events');
  const running: AppProcess[] = [];

  const startPipeline = async () => {
    const env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: broker.brokers,
      KAFKA_TOPIC: topic,
      KAFKA_TOPIC_PARTITIONS: String(PARTITIONS),
      RELAY_POLL_MS: '100',
      PROJECTOR_GROUP_ID: 'ledger-projector',
    };
    const relay = AppProcess.start('relay', env, await freePort());
    const projector = AppProcess.start('projector', env, await freePort());
    running.push(relay, projector);
    return { relay, projector };
  };

  const untilPublishedAndProjected = async () => {
    const head = await journal.headPosition();
    await eventually(async () => expect(await publishedPosition(journal, topic)).toBe(head), {
      timeoutMs: 120_000,
    });
    await eventually(() => expectProjectedAsJournal(db, journal), { timeoutMs: 120_000 });
  };

  beforeAll(async () => {
    await ensureBuilt();
    [broker, db, rebuilt] = await Promise.all([
      PrivateKafka.create(),
      createTestDatabase(),
      createTestDatabase(),
    ]);
    journal = new Journal(db.pool);
    await broker.createTopic(topic, PARTITIONS);
  });

  afterAll(async () => {
    await Promise.all(running.map((app) => app.kill('SIGKILL')));
    await broker?.destroy();
    await Promise.all([db?.drop(), rebuilt?.drop()]);
  });

  it('republishes every journal event once to the new cluster, and the read models neither lose nor double any', async () => {
    const first = await startPipeline();
    await appendBurst(journal, 6, 3, 'before-wipe');
    await untilPublishedAndProjected();
    await Promise.all([first.relay.stop(), first.projector.stop()]);

    await broker.stop();
    await broker.start({ wipe: true });
    await broker.createTopic(topic, PARTITIONS);
    await appendBurst(journal, 6, 1, 'while-away');

    const second = await startPipeline();
    await appendBurst(journal, 6, 1, 'after-wipe');
    await untilPublishedAndProjected();
    await expectTopicMirrorsJournal(broker.kafka(), topic, journal);

    const publications = await journal.publicationsOf(topic);
    expect(publications).toHaveLength(2);
    expect(publications[0].clusterId).not.toBe(publications[1].clusterId);
    expect(publications[1].position).toBe(await journal.headPosition());
    // The projector read the new instance from its first offset and skipped what it had applied.
    expect(await second.projector.metric('projector_duplicates_skipped_total')).toBeGreaterThanOrEqual(18);

    const env = { databaseUrl: db.url, topic, brokers: broker.brokers };
    const rebuild = await runAuditor(['rebuild', '--database-url', rebuilt.url], env);
    expect(rebuild).toMatchObject({ code: 0 });
    const diff = await runAuditor(['diff', '--against', rebuilt.url], env);
    expect(diff.stdout).toContain('identical');
    expect(diff.code).toBe(0);
    const verify = await runAuditor(['verify'], env);
    expect(verify).toMatchObject({ code: 0 });
  });
});
