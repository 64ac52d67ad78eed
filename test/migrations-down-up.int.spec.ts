import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Pool } from 'pg';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';

const run = promisify(execFile);
const DB_SCRIPT = path.join(__dirname, '../scripts/db.js');
const MIGRATIONS = readdirSync(path.join(__dirname, '../migrations'))
  .filter((file) => file.endsWith('.sql'))
  .map((file) => file.replace(/\.sql$/, ''))
  .sort();

/** The schemas Postgres itself owns; everything else in the database is the migrations' doing. */
const SYSTEM = `('pg_catalog', 'information_schema', 'pg_toast')`;

/** What a schema is made of, one query per kind of object, each row printable and ordered. */
const CATALOG: Record<string, string> = {
  schemas: `SELECT nspname FROM pg_namespace WHERE nspname NOT IN ${SYSTEM} AND nspname NOT LIKE 'pg_temp%'
    AND nspname NOT LIKE 'pg_toast_temp%' ORDER BY 1`,
  relations: `SELECT n.nspname, c.relname, c.relkind, c.relpersistence, obj_description(c.oid, 'pg_class') AS comment
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ${SYSTEM} ORDER BY 1, 2`,
  // The order of columns, not their attribute numbers: a column dropped and added again keeps
  // its place among the others but not its number (Postgres does not reuse a dropped one's).
  columns: `SELECT table_schema, table_name,
      rank() OVER (PARTITION BY table_schema, table_name ORDER BY ordinal_position) AS place, column_name,
      data_type, udt_name, is_nullable, column_default, character_maximum_length, numeric_precision,
      is_identity, is_generated, generation_expression
    FROM information_schema.columns WHERE table_schema NOT IN ${SYSTEM} ORDER BY 1, 2, 3`,
  constraints: `SELECT n.nspname, c.conrelid::regclass::text AS relation, c.conname, c.contype, c.convalidated,
      c.condeferrable, c.condeferred, pg_get_constraintdef(c.oid) AS definition
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
    WHERE n.nspname NOT IN ${SYSTEM} ORDER BY 1, 2, 3`,
  indexes: `SELECT schemaname, tablename, indexname, indexdef FROM pg_indexes
    WHERE schemaname NOT IN ${SYSTEM} ORDER BY 1, 2, 3`,
  functions: `SELECT n.nspname, p.proname, pg_get_function_identity_arguments(p.oid) AS arguments, p.prokind,
      pg_get_functiondef(p.oid) AS definition
    FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
    WHERE n.nspname NOT IN ${SYSTEM} AND p.prokind IN ('f', 'p') ORDER BY 1, 2, 3`,
  triggers: `SELECT t.tgrelid::regclass::text AS relation, t.tgname, t.tgenabled, pg_get_triggerdef(t.oid) AS definition
    FROM pg_trigger t WHERE NOT t.tgisinternal ORDER BY 1, 2`,
  views: `SELECT schemaname, viewname, definition FROM pg_views WHERE schemaname NOT IN ${SYSTEM} ORDER BY 1, 2`,
  sequences: `SELECT sequence_schema, sequence_name, data_type, start_value, minimum_value, maximum_value, increment,
      cycle_option
    FROM information_schema.sequences ORDER BY 1, 2`,
  types: `SELECT n.nspname, t.typname, t.typtype, format_type(t.typbasetype, t.typtypmod) AS base,
      array_to_string(ARRAY(SELECT e.enumlabel FROM pg_enum e WHERE e.enumtypid = t.oid ORDER BY e.enumsortorder), ',')
        AS labels
    FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
    WHERE n.nspname NOT IN ${SYSTEM} AND t.typtype IN ('e', 'd') ORDER BY 1, 2`,
  extensions: `SELECT extname FROM pg_extension ORDER BY 1`,
  privileges: `SELECT table_schema, table_name, grantee, privilege_type FROM information_schema.role_table_grants
    WHERE table_schema NOT IN ${SYSTEM} ORDER BY 1, 2, 3, 4`,
};

async function catalog(pool: Pool): Promise<Record<string, unknown[]>> {
  const described: Record<string, unknown[]> = {};
  for (const [kind, query] of Object.entries(CATALOG)) described[kind] = (await pool.query(query)).rows;
  return described;
}

async function appliedMigrations(pool: Pool): Promise<string[]> {
  const { rows } = await pool.query<{ name: string }>('SELECT name FROM pgmigrations ORDER BY run_on, id');
  return rows.map((row) => row.name);
}

const db = (args: readonly string[], database: TestDatabase) =>
  run(process.execPath, [DB_SCRIPT, ...args], {
    env: { ...process.env, MIGRATION_DATABASE_URL: database.url },
  });

describe('migrations, down to zero and up again (scripts/db.js)', () => {
  let fresh: TestDatabase;
  let cycled: TestDatabase;

  beforeAll(async () => {
    [fresh, cycled] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  });

  afterAll(async () => {
    await Promise.all([fresh?.drop(), cycled?.drop()]);
  });

  it('undoes every migration: nothing of the ledger is left but the empty migrations table', async () => {
    expect(await appliedMigrations(cycled.pool)).toEqual(MIGRATIONS);
    await db(['down', 'all'], cycled);
    expect(await appliedMigrations(cycled.pool)).toEqual([]);
    const left = await catalog(cycled.pool);
    expect(left.schemas).toEqual([{ nspname: 'public' }]);
    expect(left.relations).toEqual([
      expect.objectContaining({ nspname: 'public', relname: 'pgmigrations' }),
      expect.objectContaining({ nspname: 'public', relname: 'pgmigrations_id_seq' }),
      expect.objectContaining({ nspname: 'public', relname: 'pgmigrations_pkey' }),
    ]);
    expect([left.functions, left.triggers, left.views, left.types]).toEqual([[], [], [], []]);
  });

  it('migrates up again to exactly the schema a freshly migrated database has', async () => {
    await db(['migrate'], cycled);
    expect(await appliedMigrations(cycled.pool)).toEqual(MIGRATIONS);
    expect(await catalog(cycled.pool)).toEqual(await catalog(fresh.pool));
  });

  it('undoes exactly what the last k migrations made, for every k: migrating up again gives the fresh schema', async () => {
    const expected = await catalog(fresh.pool);
    for (let undone = 1; undone <= MIGRATIONS.length; undone++) {
      await db(['down', String(undone)], cycled);
      expect(await appliedMigrations(cycled.pool)).toEqual(MIGRATIONS.slice(0, MIGRATIONS.length - undone));
      await db(['migrate'], cycled);
      expect({ undone, catalog: await catalog(cycled.pool) }).toEqual({ undone, catalog: expected });
    }
  });

  it.each([[['down']], [['down', '0']], [['down', 'some']]])(
    'refuses %j without a count: exit 2, nothing undone',
    async (args) => {
      const refused = await db(args, cycled).then(
        () => ({ code: 0 }),
        (error: { code?: number }) => ({ code: error.code }),
      );
      expect(refused.code).toBe(2);
      expect(await appliedMigrations(cycled.pool)).toEqual(MIGRATIONS);
    },
  );
});
