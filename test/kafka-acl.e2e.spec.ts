import { loadConfig } from '@ledger/config';
import {
  createKafka,
  KafkaReadiness,
  produceTransactions,
  readTopic,
  topicWatermarks,
  TransactionalProducer,
  type Kafka,
  type PlacedRecord,
} from '@ledger/messaging';
import {
  createTestDatabase,
  testBrokers,
  testKafka,
  testTopic,
  type KafkaPrincipal,
  type TestDatabase,
} from '@ledger/testing';
import { AppProcess, ensureBuilt, freePort } from './support/app-process';
import { createEventTopic } from './support/ledger-harness';

const record = (name: string): PlacedRecord => ({
  key: 'stream-acl',
  partition: 0,
  value: JSON.stringify({ name }),
  headers: { ce_id: name },
});

/** The Kafka error codes (e.g. TOPIC_AUTHORIZATION_FAILED) along an error's chain of causes. */
function errorTypes(error: unknown): string[] {
  const types: string[] = [];
  for (let cause = error as { type?: string; originalError?: unknown } | undefined; cause;) {
    if (cause.type !== undefined) types.push(cause.type);
    cause = cause.originalError as typeof cause;
  }
  return types;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a refusal, but the broker allowed it');
}

describe('Kafka: every client authenticates, and each principal does only what its ACLs allow', () => {
  let topic: string;
  let admin: Kafka;
  let db: TestDatabase;
  const as = (principal: KafkaPrincipal) => createKafka(testKafka(principal));

  beforeAll(async () => {
    await ensureBuilt();
    db = await createTestDatabase();
    topic = testTopic('acl');
    admin = await createEventTopic(topic, 1);
    // Something to read, so that a reader has to join its group.
    await produceTransactions(admin, topic, [{ records: [record('fixture')], outcome: 'commit' }]);
  });

  afterAll(() => db.drop());

  const committedEnd = async () => (await topicWatermarks(admin, topic)).get(0)?.high;

  it('refuses a client that does not authenticate: there is no anonymous listener', async () => {
    const client = createKafka({ brokers: testBrokers(), clientId: 'anonymous' }).admin();
    // kafkajs connects with ApiVersions, which the broker answers before authentication.
    await expect(client.connect().then(() => client.listTopics())).rejects.toMatchObject({
      name: 'KafkaJSConnectionClosedError',
    });
    await client.disconnect();
  });

  it('refuses a known principal with a wrong password', async () => {
    const { sasl, ...settings } = testKafka('relay');
    const client = createKafka({ ...settings, sasl: { ...sasl, password: `${sasl.password}x` } }).admin();
    await expect(client.connect()).rejects.toMatchObject({ name: 'KafkaJSSASLAuthenticationError' });
    await client.disconnect();
  });

  it.each<KafkaPrincipal>(['projector', 'subscriber', 'auditor'])(
    'refuses %s when it writes to the topic, and nothing reaches the topic',
    async (principal) => {
      const before = await committedEnd();
      const producer = as(principal).producer({ allowAutoTopicCreation: false, retry: { retries: 0 } });
      await producer.connect();
      try {
        const refused = await rejection(
          producer.send({ topic, acks: -1, messages: [{ key: 'forged', value: '{}' }] }),
        );
        expect(errorTypes(refused)).toContain('TOPIC_AUTHORIZATION_FAILED');
      } finally {
        await producer.disconnect();
      }
      expect(await committedEnd()).toBe(before);
    },
  );

  it('lets the relay publish in transactions under its own transactional ids, and under no other', async () => {
    const relay = as('relay');
    const producer = new TransactionalProducer(relay, topic, `ledger-relay:${topic}`);
    await producer.connect();
    try {
      await producer.fence();
      await producer.publish([[record('relayed')]], () => undefined);
    } finally {
      await producer.disconnect();
    }
    const subscriber = as('subscriber');
    const read = await readTopic(subscriber, topic, { groupPrefix: 'subscriber-acl' });
    expect(read.map((found) => found.headers.ce_id)).toEqual(['fixture', 'relayed']);

    // The broker answers TRANSACTIONAL_ID_AUTHORIZATION_FAILED to the coordinator lookup, which
    // kafkajs logs and reports as no coordinator found; with its own id it found one above.
    const impostor = new TransactionalProducer(relay, topic, `ledger-other:${topic}`);
    await impostor.connect();
    try {
      expect(await rejection(impostor.fence())).toMatchObject({ name: 'KafkaJSGroupCoordinatorNotFound' });
    } finally {
      await impostor.disconnect();
    }
  });

  // As with transactional ids, the broker refuses the coordinator lookup for a group the
  // principal may not use (GROUP_AUTHORIZATION_FAILED), which kafkajs reports as no coordinator
  // found; the same principal's read through a group of its own shows the coordinator is there.
  it.each<[KafkaPrincipal, string, string]>([
    ['projector', 'ledger-projector-acl', 'subscriber-projector'],
    ['subscriber', 'subscriber-acl', 'ledger-projector'],
    ['subscriber', 'subscriber-acl', 'ledger-relay-search'],
    ['auditor', 'ledger-auditor-acl', 'subscriber-auditor'],
    ['relay', 'ledger-relay-search', 'ledger-auditor-verify'],
  ])(
    'lets %s read through groups named %s*, and refuses it groups named %s*',
    async (principal, allowed, refused) => {
      const client = as(principal);
      expect(await readTopic(client, topic, { groupPrefix: allowed })).not.toHaveLength(0);
      expect(await rejection(readTopic(client, topic, { groupPrefix: refused }))).toMatchObject({
        name: 'KafkaJSGroupCoordinatorNotFound',
      });
    },
  );

  it.each<[string, Record<string, string>, RegExp]>([
    [
      'a wrong password',
      { KAFKA_SASL_PASSWORD: 'not-the-password' },
      /SASL SCRAM SHA512 authentication failed/,
    ],
    ['no credentials', { KAFKA_SASL_USERNAME: '', KAFKA_SASL_PASSWORD: '' }, /KafkaCredentialsMissing/],
  ])('does not start an app given %s, and says why', async (_, credentials, reason) => {
    const projector = AppProcess.start('projector', {
      DATABASE_URL: db.url,
      KAFKA_TOPIC: topic,
      KAFKA_TOPIC_PARTITIONS: '1',
      ...credentials,
    });
    const exit = await projector.exited;
    expect(exit.code).not.toBe(0);
    expect(projector.output()).toMatch(reason);
  });

  it('makes a projector whose group its ACLs do not cover unready, instead of idle and ready', async () => {
    const port = await freePort();
    const projector = AppProcess.start(
      'projector',
      {
        DATABASE_URL: db.url,
        KAFKA_TOPIC: topic,
        KAFKA_TOPIC_PARTITIONS: '1',
        PROJECTOR_GROUP_ID: 'not-the-projectors-group',
      },
      port,
    );
    try {
      await projector.waitForLog(/the Kafka consumer stopped for good/);
      expect(projector.output()).toMatch(/Group authorization failed/);
      const response = await fetch(`http://127.0.0.1:${port}/health/ready`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({
        error: { projection: { reason: 'consumer-stopped' } },
      });
    } finally {
      await projector.stop();
    }
  });

  it('reports refused credentials on readiness as authentication-failed, not as unreachable', async () => {
    const { sasl } = testKafka('relay');
    const readiness = (password: string) =>
      new KafkaReadiness(
        loadConfig({
          KAFKA_BROKERS: testBrokers().join(','),
          KAFKA_SASL_USERNAME: sasl.username,
          KAFKA_SASL_PASSWORD: password,
        }),
      );
    const good = readiness(sasl.password);
    const bad = readiness(`${sasl.password}x`);
    try {
      await expect(good.check()).resolves.toMatchObject({ brokers: 1 });
      await expect(bad.check()).rejects.toMatchObject({ name: 'NotReady', reason: 'authentication-failed' });
    } finally {
      await good.onApplicationShutdown();
      await bad.onApplicationShutdown();
    }
  });
});
