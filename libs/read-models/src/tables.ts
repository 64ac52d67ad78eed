import type { Pool, PoolClient } from 'pg';

/** What the queries accept: the pool, or a client inside a transaction. */
export type Queryable = Pool | PoolClient;

/** Every table the read models own, schema-qualified: what a rebuild truncates and an audit checksums. */
export const READ_MODEL_TABLES: readonly string[] = [
  'read_models.events',
  'read_models.stream_versions',
  'read_models.retractions',
  'read_models.measures',
  'read_models.timeline_entries',
  'read_models.control_items',
  'read_models.licences',
];

const TRUNCATE_READ_MODELS = `TRUNCATE ${READ_MODEL_TABLES.join(', ')}`;

/** Empties the read models so they can be rebuilt from the log; run it in the rebuild's transaction. */
export async function resetReadModels(client: Queryable): Promise<void> {
  await client.query(TRUNCATE_READ_MODELS);
}
