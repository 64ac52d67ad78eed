import { createTestDatabase, type TestDatabase } from '@ledger/testing';

describe('migrations on the real database', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
  });

  afterAll(async () => {
    await db.drop();
  });

  it('applied every migration file to the template this database was cloned from', async () => {
    const { readdirSync } = await import('node:fs');
    const files = readdirSync(`${__dirname}/../migrations`)
      .filter((file) => file.endsWith('.sql'))
      .map((file) => file.replace(/\.sql$/, ''))
      .sort();
    const { rows } = await db.pool.query<{ name: string }>(
      'SELECT name FROM pgmigrations ORDER BY run_on, id',
    );
    expect(rows.map((row) => row.name)).toEqual(files);
  });

  it('separates the journal from the read models', async () => {
    const { rows } = await db.pool.query<{ nspname: string }>(
      "SELECT nspname FROM pg_namespace WHERE nspname IN ('journal', 'read_models') ORDER BY 1",
    );
    expect(rows.map((row) => row.nspname)).toEqual(['journal', 'read_models']);
  });
});
