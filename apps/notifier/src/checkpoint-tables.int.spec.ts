import { subscriberTablesSql } from '@ledger/subscriber';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';

/** Each column of the subscriber checkpoint tables in `schema`, with its type, default and nullability. */
async function checkpointColumns(db: TestDatabase, schema: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ line: string }>(
    `SELECT table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
              || ' ' || coalesce(column_default, '-') AS line
       FROM information_schema.columns
      WHERE table_schema = $1 AND table_name IN ('subscriber_offsets', 'subscriber_streams')
      ORDER BY table_name, ordinal_position`,
    [schema],
  );
  return rows.map((row) => row.line);
}

/** Each constraint (keys and checks) of the checkpoint tables in `schema`, by table. */
async function checkpointConstraints(db: TestDatabase, schema: string): Promise<string[]> {
  const { rows } = await db.pool.query<{ line: string }>(
    `SELECT c.relname || ' ' || pg_get_constraintdef(k.oid) AS line
       FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname IN ('subscriber_offsets', 'subscriber_streams')
      ORDER BY 1`,
    [schema],
  );
  return rows.map((row) => row.line);
}

describe("the notifier's checkpoint tables (its migration)", () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await db.pool.query(subscriberTablesSql('sdk_checkpoint'));
  });

  afterAll(async () => {
    await db?.drop();
  });

  it('are the tables the subscriber SDK makes, column for column and constraint for constraint', async () => {
    const sdk = await checkpointColumns(db, 'sdk_checkpoint');
    expect(sdk).toHaveLength(12);
    expect(await checkpointColumns(db, 'notifier')).toEqual(sdk);
    const sdkConstraints = await checkpointConstraints(db, 'sdk_checkpoint');
    expect(sdkConstraints.length).toBeGreaterThanOrEqual(5);
    expect(await checkpointConstraints(db, 'notifier')).toEqual(sdkConstraints);
  });
});
