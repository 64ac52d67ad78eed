import type { Pool } from 'pg';
import { READ_MODEL_TABLES } from '@ledger/read-models';

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

/** One digest per read-model table: equal digests mean equal contents. */
export async function readModelChecksums(pool: Pool): Promise<TableChecksum[]> {
  const checksums: TableChecksum[] = [];
  for (const table of READ_MODEL_TABLES) {
    const { rows } = await pool.query<{ rows: number; checksum: string }>(TABLE_CHECKSUM(table));
    checksums.push({ table, rows: rows[0].rows, checksum: rows[0].checksum });
  }
  return checksums;
}

export interface TableDifference {
  readonly table: string;
  readonly live: TableChecksum | undefined;
  readonly other: TableChecksum | undefined;
}

export function differences(
  live: readonly TableChecksum[],
  other: readonly TableChecksum[],
): TableDifference[] {
  const tables = [...new Set([...live, ...other].map((entry) => entry.table))];
  return tables
    .map((table) => ({
      table,
      live: live.find((entry) => entry.table === table),
      other: other.find((entry) => entry.table === table),
    }))
    .filter(({ live: a, other: b }) => a?.checksum !== b?.checksum || a?.rows !== b?.rows);
}
