import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

/** Where the test run's infrastructure lives; set by the global setup for every worker. */
export const TEST_DB_PREFIX = 'ledger_t_';
export const DEFAULT_TEST_KAFKA_PORT = 19092;
export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** Each run migrates its own template, so concurrent runs on one server do not collide. */
export function runTemplate(): string {
  const template = process.env.LEDGER_TEST_TEMPLATE;
  if (!template) {
    throw new Error(
      'LEDGER_TEST_TEMPLATE is not set: run the tests through jest so the global setup migrates one',
    );
  }
  return template;
}

export function serverUrl(): string {
  return process.env.LEDGER_TEST_PG_URL ?? process.env.DATABASE_URL ?? DEFAULT_PG_URL;
}

export function databaseUrl(name: string): string {
  const url = new URL(serverUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

export function testBrokers(): string[] {
  const brokers = process.env.KAFKA_BROKERS;
  if (!brokers) {
    throw new Error(
      'KAFKA_BROKERS is not set: run the tests through jest so the global setup starts a broker',
    );
  }
  return brokers.split(',').map((broker) => broker.trim());
}

/** The ledger's Kafka principals (scripts/kafka.sh makes them, scripts/kafka-acls.js grants them). */
export type KafkaPrincipal = 'admin' | 'relay' | 'projector' | 'auditor' | 'subscriber';

/** What a kafkajs client (createKafka in libs/messaging, or `new Kafka`) needs to connect as `principal`. */
export interface TestKafkaConfig {
  readonly clientId: string;
  readonly brokers: string[];
  readonly sasl: {
    readonly mechanism: 'scram-sha-512';
    readonly username: string;
    readonly password: string;
  };
}

/**
 * The principal's credentials: the global setup puts those of the broker it starts in the
 * environment; against an external cluster (KAFKA_BROKERS) they come from the environment too,
 * as KAFKA_<PRINCIPAL>_USERNAME (default ledger-<principal>) and KAFKA_<PRINCIPAL>_PASSWORD.
 */
function credentials(principal: KafkaPrincipal): { username: string; password: string } {
  const prefix = `KAFKA_${principal.toUpperCase()}`;
  const password = process.env[`${prefix}_PASSWORD`];
  if (!password) {
    throw new Error(
      `${prefix}_PASSWORD is not set: run the tests through jest so the global setup starts a broker`,
    );
  }
  return { username: process.env[`${prefix}_USERNAME`] || `ledger-${principal}`, password };
}

/** A client config for `principal`, of the run's broker unless `brokers` names another. */
export function testKafka(
  principal: KafkaPrincipal,
  {
    clientId = `ledger-test-${principal}`,
    brokers = testBrokers(),
  }: { clientId?: string; brokers?: string[] } = {},
): TestKafkaConfig {
  return { clientId, brokers, sasl: { mechanism: 'scram-sha-512', ...credentials(principal) } };
}

/** The environment an app needs to connect to Kafka as `principal`. */
export function testKafkaEnv(principal: KafkaPrincipal): Record<string, string> {
  const { username, password } = credentials(principal);
  return {
    KAFKA_SASL_MECHANISM: 'scram-sha-512',
    KAFKA_SASL_USERNAME: username,
    KAFKA_SASL_PASSWORD: password,
  };
}

/**
 * The names the test brokers' ACLs are granted for (scripts/kafka-acls.js): apps run by tests
 * under their own principals reach only topics and projector groups whose names start with these.
 */
export const TEST_KAFKA_NAMES = { topicPrefix: 'policy.events', projectorGroupPrefix: 'ledger-projector' };

/** The environment with which scripts/kafka.sh grants the ACLs for TEST_KAFKA_NAMES. */
export const TEST_KAFKA_ACL_ENV = {
  KAFKA_TOPIC: TEST_KAFKA_NAMES.topicPrefix,
  PROJECTOR_GROUP_ID: TEST_KAFKA_NAMES.projectorGroupPrefix,
};

/** A topic name unique to this call, within the test brokers' topic ACLs. */
export function testTopic(label: string): string {
  return `${TEST_KAFKA_NAMES.topicPrefix}.${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A projector consumer group unique to this call, within the test brokers' group ACLs. */
export function testProjectorGroup(label: string): string {
  return `${TEST_KAFKA_NAMES.projectorGroupPrefix}-${label}-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}

/** A name unique to this test run and call, safe for databases, topics and consumer groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** The login roles the migrations create, one per app (README, "Database roles"). */
export type DatabaseRole =
  'ledger_writer' | 'ledger_relay' | 'ledger_projector' | 'ledger_auditor' | 'ledger_notifier';

/**
 * `url` as `role` connects to it, as the app of that role does. The password comes from
 * LEDGER_DB_<ROLE>_PASSWORD (the one `scripts/db.js migrate` sets) when given; a server that
 * trusts local connections, as the test server does, needs none.
 */
export function roleUrl(url: string, role: DatabaseRole): string {
  const parsed = new URL(url);
  parsed.username = role;
  parsed.password = process.env[`LEDGER_DB_${role.replace(/^ledger_/, '').toUpperCase()}_PASSWORD`] ?? '';
  return parsed.toString();
}

/** A TCP port free on 127.0.0.1 at the time of asking, for a process to listen on. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}
