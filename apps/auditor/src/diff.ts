import type { TableChecksum } from '@ledger/read-models';

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
