import { Client, Pool } from 'pg';
import { databaseUrl, roleUrl, runTemplate, uniqueName, type DatabaseRole } from './infrastructure';

export interface TestDatabase {
  readonly name: string;
  readonly url: string;
  /** The superuser's pool: for fixtures and for looking at what the code under test did. */
  readonly pool: Pool;
  /** A pool connected as `role`, as its app connects (one per role, ended by drop()). */
  poolAs(role: DatabaseRole): Pool;
  drop(): Promise<void>;
}

/** An idle connection ended by the server (the database dropped at the end) is no test failure. */
function quietPool(connectionString: string): Pool {
  const pool = new Pool({ connectionString, max: 10 });
  pool.on('error', () => undefined);
  return pool;
}

/** A fresh, migrated database for one test file, cloned from the run's template. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const template = runTemplate();
  const name = uniqueName(`${template}_`);
  const admin = new Client({ connectionString: databaseUrl('postgres') });
  await admin.connect();
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        break;
      } catch (error) {
        // 55006: another file is cloning the template at this instant; try again shortly.
        if ((error as { code?: string }).code !== '55006' || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  } finally {
    await admin.end();
  }
  const url = databaseUrl(name);
  // A query on a dead connection still fails loudly.
  const pool = quietPool(url);
  // A clone carries the template's journal id; each test database is a journal of its own.
  await pool.query('UPDATE journal.identity SET journal_id = gen_random_uuid()');
  const rolePools = new Map<DatabaseRole, Pool>();
  return {
    name,
    url,
    pool,
    poolAs(role) {
      const existing = rolePools.get(role);
      if (existing) return existing;
      const created = quietPool(roleUrl(url, role));
      rolePools.set(role, created);
      return created;
    },
    async drop() {
      await Promise.all([pool, ...rolePools.values()].map((each) => each.end()));
      const client = new Client({ connectionString: databaseUrl('postgres') });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}
