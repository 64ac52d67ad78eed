import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import { SEED_EVENTS } from '../../contracts/test/seed-events';
import { project } from './sql-views';

const ROOT = join(__dirname, '../../..');
const MIGRATION = '1764000008400_timeline_entry_kinds';

/**
 * Postponements, withdrawals and point suspensions (and later stacking rules) became timeline
 * entries after read models already held such events: migrating a database that holds them must enter them as a projection
 * of the same events would, and undoing the migration must leave the table as it was before.
 */
describe(`migration ${MIGRATION} on read models that already hold the events`, () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await project(db.pool, SEED_EVENTS);
  });

  afterAll(async () => {
    await db.drop();
  });

  const dbScript = (...args: string[]) =>
    promisify(execFile)('node', ['scripts/db.js', ...args], {
      cwd: ROOT,
      env: { ...process.env, MIGRATION_DATABASE_URL: db.url },
    });

  const entries = async () =>
    (
      await db.pool.query<{ row: { kind: string } & Record<string, unknown> }>(
        `SELECT to_jsonb(e) AS row FROM read_models.timeline_entries e ORDER BY measure_id, kind, version`,
      )
    ).rows.map((row) => row.row);

  it('enters them from the recorded events as the projection does, and takes them out again on the way down', async () => {
    const projected = await entries();
    const kinds = new Set(projected.map((row) => row.kind));
    expect(kinds).toEqual(
      new Set(['validity', 'rate', 'suspension', 'lift', 'postponement', 'withdrawal', 'points', 'stacking']),
    );

    // Every migration from this one on, undone: the read models as an older release left them.
    const undo = readdirSync(join(ROOT, 'migrations')).filter((file) => file >= `${MIGRATION}.sql`).length;
    await dbScript('down', String(undo));
    const before = await entries();
    expect(before.map((row) => row.kind)).not.toContain('points');
    expect(before).toHaveLength(
      projected.filter((row) => !['postponement', 'withdrawal', 'points', 'stacking'].includes(row.kind))
        .length,
    );

    await dbScript('migrate');
    expect(await entries()).toEqual(projected);
  });
});
