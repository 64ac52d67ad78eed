import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { Client } from 'pg';
import { databaseUrl } from './infrastructure';

const ROOT = path.resolve(__dirname, '../../..');

export default async function globalTeardown(): Promise<void> {
  if (process.env.LEDGER_TEST_INFRA === 'none' || !process.env.LEDGER_TEST_TEMPLATE) return;

  const admin = new Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${process.env.LEDGER_TEST_TEMPLATE}%`],
    );
    for (const { datname } of rows) {
      await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }

  const port = process.env.LEDGER_TEST_OWNS_BROKER;
  if (port) {
    execFileSync('bash', [path.join(ROOT, 'scripts/kafka.sh'), 'stop'], {
      env: { ...process.env, KAFKA_PORT: port },
      stdio: 'inherit',
    });
  }
}
