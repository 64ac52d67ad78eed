import type { Pool } from 'pg';
import { inTransaction } from '@ledger/database';
import { readLastRecords, type Kafka } from '@ledger/messaging';
import { READ_MODEL_TABLES, resetReadModels } from '@ledger/read-models';
import { startProjection } from '@ledger/projection';

export interface RebuildReport {
  readonly records: number;
  readonly applied: number;
  readonly duplicates: number;
  readonly deadLettered: number;
  /** Events after `untilPosition`, left out. */
  readonly beyond: number;
}

export interface RebuildOptions {
  /** Empty the target's read models and projector bookkeeping first. */
  readonly reset: boolean;
  /** Leave out events after this journal position (the read models as they stood then). */
  readonly untilPosition?: number;
  readonly onProgress?: (done: number, total: number) => void;
}

const COUNT_ROWS = (table: string): string => {
  const [schema, name] = table.includes('.') ? table.split('.', 2) : ['read_models', table];
  return `SELECT EXISTS (SELECT 1 FROM "${schema}"."${name}") AS taken`;
};

// A rebuild target starts empty: its bookkeeping belongs to the rebuild alone.
const CLEAR_PROJECTOR_BOOKKEEPING = `
  TRUNCATE projector.consumed_offsets, projector.dead_letters`;

async function hasReadModelRows(pool: Pool): Promise<boolean> {
  for (const table of READ_MODEL_TABLES) {
    const { rows } = await pool.query<{ taken: boolean }>(COUNT_ROWS(table));
    if (rows[0].taken) return true;
  }
  return false;
}

/**
 * Projects the whole topic, from offset 0 up to (at least) the end as of the start, into
 * `target` (a migrated database) by running the projector's own projection under a new group,
 * so the result can be compared with the live read models; with `untilPosition`, only the
 * events up to that position.
 */
export async function rebuildReadModels(
  kafka: Kafka,
  topic: string,
  target: Pool,
  { reset, untilPosition, onProgress }: RebuildOptions,
): Promise<RebuildReport> {
  if (reset) {
    await inTransaction(target, async (client) => {
      await resetReadModels(client);
      await client.query(CLEAR_PROJECTOR_BOOKKEEPING);
    });
  } else if (await hasReadModelRows(target)) {
    throw new Error('the target read models are not empty; pass --reset to rebuild over them');
  }

  const ends = new Map<number, bigint>();
  for (const [partition, tail] of await readLastRecords(kafka, topic, undefined, {
    groupPrefix: 'ledger-auditor-search',
  })) {
    ends.set(partition, BigInt(tail.offset) + 1n);
  }
  const total = Number([...ends.values()].reduce((sum, end) => sum + end, 0n));
  const report = { records: 0, applied: 0, duplicates: 0, deadLettered: 0, beyond: 0 };
  if (ends.size === 0) return report;

  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => {
    finish = resolve;
    fail = reject;
  });
  const behind = new Set(ends.keys());
  const projection = await startProjection(
    kafka,
    target,
    { groupId: `ledger-auditor-rebuild-${Date.now()}`, topic, partitions: ends.size, untilPosition },
    {
      onBatch: ({ partition, records }, answer) => {
        if (answer.outcome === 'rewind') {
          fail(new Error(`partition ${partition}: ${answer.reason}; the topic cannot be rebuilt from`));
          return;
        }
        const { result } = answer;
        report.records += records.length - result.redelivered;
        report.applied += result.applied;
        report.duplicates += result.duplicates;
        report.beyond += result.beyond;
        report.deadLettered += Object.values(result.deadLettered).reduce((sum, count) => sum + count, 0);
        onProgress?.(report.records, total);
        const next = BigInt(records[records.length - 1].offset) + 1n;
        if (next >= (ends.get(partition) ?? 0n)) behind.delete(partition);
        if (behind.size === 0) finish();
      },
      onBatchError: fail,
    },
  );
  try {
    await finished;
  } finally {
    await projection.stop();
  }
  return report;
}
