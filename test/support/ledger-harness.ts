import type { INestApplication, Type } from '@nestjs/common';
import { createHttpApp } from '@ledger/http';
import { createKafka, ensureEventTopic, type Kafka } from '@ledger/messaging';
import {
  createTestDatabase,
  testBrokers,
  testKafka,
  testKafkaEnv,
  testTopic,
  type TestDatabase,
} from '@ledger/testing';
import { PRINCIPALS, asAppRole, type App } from './app-process';

/** Bootstrap keys of both kinds the API takes: free-form (32+ characters) and issued-shape. */
export const KEYS = {
  admin: 'test-admin-key-00000000000000000000001',
  reader: 'test-reader-key-0000000000000000000001',
  auditor: 'tpl_key-a0d170000001_auditor-test-secret-00000000000000000000001',
} as const;

/** Creates the event topic as `npm start` does (explicit partitions) and returns a client for it. */
export async function createEventTopic(topic: string, partitions: number): Promise<Kafka> {
  const kafka = createKafka(testKafka('admin', { clientId: 'ledger-test' }));
  const admin = kafka.admin();
  await admin.connect();
  try {
    await ensureEventTopic(admin, { topic, partitions });
  } finally {
    await admin.disconnect();
  }
  return kafka;
}

/** Deletes the event topic, as an operator might; a topic of that name created later is a new instance. */
export async function deleteEventTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [topic] });
  } finally {
    await admin.disconnect();
  }
}

export interface Ledger {
  readonly db: TestDatabase;
  readonly kafka: Kafka;
  readonly topic: string;
  /** What every app needs for this database and topic; the log level is left to whoever runs the app. */
  readonly env: Record<string, string>;
  close(): Promise<void>;
}

/** A fresh database and topic for one test file, and the environment the apps need for them. */
export async function prepareLedger({ partitions = 3 }: { partitions?: number } = {}): Promise<Ledger> {
  const db = await createTestDatabase();
  const topic = testTopic('events');
  const kafka = await createEventTopic(topic, partitions);
  const env = {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: testBrokers().join(','),
    KAFKA_TOPIC: topic,
    KAFKA_TOPIC_PARTITIONS: String(partitions),
    ADMIN_API_KEY: KEYS.admin,
    READER_API_KEY: KEYS.reader,
    AUDITOR_API_KEY: KEYS.auditor,
    RELAY_POLL_MS: '100',
    // A loaded CI machine may take seconds to project a write; a read-your-writes read must not fail for it.
    CONSISTENCY_WAIT_MS: '60000',
  };
  return { db, kafka, topic, env, close: () => db.drop() };
}

/**
 * Runs an app in this process (for HTTP tests through supertest) as `runsAs` would run: connected
 * as its database role and, when it uses Kafka, as its Kafka principal. The app reads its config
 * from the environment once, here.
 */
export async function startInProcess(
  module: Type<unknown>,
  env: Record<string, string>,
  runsAs: App,
): Promise<INestApplication> {
  const principal = PRINCIPALS[runsAs];
  Object.assign(process.env, asAppRole(runsAs, env), principal && testKafkaEnv(principal), {
    LOG_LEVEL: 'silent',
  });
  const app = await createHttpApp(module, { title: 'test', description: 'test' });
  await app.init();
  return app;
}

/**
 * Apps of one module started in this process on one fresh database, each with its own settings
 * on top of `base`: `start` in a test, `stop` in afterAll (closes them all, drops the database).
 */
export function inProcessApps(module: Type<unknown>, runsAs: App, base: Record<string, string> = {}) {
  let db: TestDatabase | undefined;
  const apps: INestApplication[] = [];
  const database = async (): Promise<TestDatabase> => (db ??= await createTestDatabase());
  return {
    database,
    async start(env: Record<string, string>): Promise<INestApplication> {
      const { url } = await database();
      const app = await startInProcess(module, { DATABASE_URL: url, ...base, ...env }, runsAs);
      apps.push(app);
      return app;
    },
    async stop(): Promise<void> {
      await Promise.all(apps.map((app) => app.close()));
      await db?.drop();
    },
  };
}
