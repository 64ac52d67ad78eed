import { randomBytes } from 'node:crypto';

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

/** A name unique to this test run and call, safe for databases, topics and consumer groups. */
export function uniqueName(prefix: string): string {
  return `${prefix}${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

/** The login roles the migrations create, one per app (README, "Database roles"). */
export type DatabaseRole = 'ledger_writer' | 'ledger_relay' | 'ledger_projector' | 'ledger_auditor';

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
