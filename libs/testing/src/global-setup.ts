import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  DEFAULT_TEST_KAFKA_PORT,
  TEST_DB_PREFIX,
  TEST_KAFKA_ACL_ENV,
  databaseUrl,
  serverUrl,
  uniqueName,
} from './infrastructure';

const ROOT = path.resolve(__dirname, '../../..');

/** KAFKA_<PRINCIPAL>_USERNAME/PASSWORD lines of a broker's credentials.env, into the environment. */
function exportCredentials(file: string): void {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const match = /^(KAFKA_[A-Z]+_(?:USERNAME|PASSWORD))=(.*)$/.exec(line);
    if (match) process.env[match[1]] = match[2];
  }
}

/**
 * One broker per test run (or the cluster in KAFKA_BROKERS), and one migrated template
 * database that every test file clones (CREATE DATABASE ... TEMPLATE). The broker's principals'
 * credentials go into the environment, where testKafka() and the brokers tests start of their
 * own (test/support/private-kafka.ts) find them.
 */
export default function globalSetup(): void {
  if (process.env.LEDGER_TEST_INFRA === 'none') return;

  if (!process.env.KAFKA_BROKERS) {
    const port = process.env.TEST_KAFKA_PORT ?? String(DEFAULT_TEST_KAFKA_PORT);
    execFileSync('bash', [path.join(ROOT, 'scripts/kafka.sh'), 'start', '--fresh'], {
      env: { ...process.env, ...TEST_KAFKA_ACL_ENV, KAFKA_PORT: port },
      stdio: 'inherit',
    });
    exportCredentials(
      path.join(process.env.KAFKA_HOME ?? path.join(ROOT, '.cache/kafka', port), 'credentials.env'),
    );
    process.env.KAFKA_BROKERS = `127.0.0.1:${port}`;
    process.env.LEDGER_TEST_OWNS_BROKER = port;
  }

  process.env.LEDGER_TEST_PG_URL = serverUrl();
  const template = uniqueName(`${TEST_DB_PREFIX}template_`);
  process.env.LEDGER_TEST_TEMPLATE = template;
  process.env.LEDGER_TEST_DB_PREFIX = `${template}_`;
  execFileSync('node', [path.join(ROOT, 'scripts/db.js'), 'migrate'], {
    env: { ...process.env, MIGRATION_DATABASE_URL: databaseUrl(template) },
    stdio: 'inherit',
  });
}
