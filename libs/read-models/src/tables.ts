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
  'read_models.product_codes',
  'read_models.licences',
  'read_models.party_lists',
  'read_models.party_listings',
];

const TRUNCATE_READ_MODELS = `TRUNCATE ${READ_MODEL_TABLES.join(', ')}`;

/** Empties the read models so they can be rebuilt from the log; run it in the rebuild's transaction. */
export async function resetReadModels(client: Queryable): Promise<void> {
  await client.query(TRUNCATE_READ_MODELS);
}

/** One read-model table's content digest: equal digests and row counts mean equal contents. */
export interface TableChecksum {
  readonly table: string;
  readonly rows: number;
  readonly checksum: string;
}

function quotedTable(table: string): string {
  const [schema, name] = table.includes('.') ? table.split('.', 2) : ['read_models', table];
  return `"${schema.replace(/"/g, '""')}"."${name.replace(/"/g, '""')}"`;
}

// A row's text form covers every column, so ordering by it orders by all columns: two tables
// with the same rows give the same digest whatever their physical order.
const TABLE_CHECKSUM = (table: string): string => `
  SELECT count(*)::int AS rows,
         md5(coalesce(string_agg(row_text, E'\\n' ORDER BY row_text), '')) AS checksum
  FROM (SELECT t::text AS row_text FROM ${quotedTable(table)} AS t) AS rows_as_text`;

/** One digest per read-model table, in READ_MODEL_TABLES order: what an audit compares. */
export async function readModelChecksums(db: Queryable): Promise<TableChecksum[]> {
  const checksums: TableChecksum[] = [];
  for (const table of READ_MODEL_TABLES) {
    const { rows } = await db.query<{ rows: number; checksum: string }>(TABLE_CHECKSUM(table));
    checksums.push({ table, rows: rows[0].rows, checksum: rows[0].checksum });
  }
  return checksums;
}
