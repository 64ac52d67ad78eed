import type { Pool } from 'pg';
import { inTransaction } from '@ledger/database';
import { readTopic, type StoredRecord, type createKafka } from '@ledger/messaging';
import { READ_MODEL_TABLES, resetReadModels } from '@ledger/read-models';
import { projectBatch } from '@ledger/projection';

type Kafka = ReturnType<typeof createKafka>;

const CHUNK = 500;

export interface RebuildReport {
  readonly records: number;
  readonly applied: number;
  readonly duplicates: number;
  readonly deadLettered: number;
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
 * Projects the whole topic, from offset 0 up to the end as of the start, into `target` (a
 * migrated database) through the same code path as the projector, so the result can be
 * compared with the live read models.
 */
export async function rebuildReadModels(
  kafka: Kafka,
  topic: string,
  target: Pool,
  { reset, onProgress }: { reset: boolean; onProgress?: (done: number, total: number) => void },
): Promise<RebuildReport> {
  if (reset) {
    await inTransaction(target, async (client) => {
      await resetReadModels(client);
      await client.query(CLEAR_PROJECTOR_BOOKKEEPING);
    });
  } else if (await hasReadModelRows(target)) {
    throw new Error('the target read models are not empty; pass --reset to rebuild over them');
  }

  const records = await readTopic(kafka, topic, { groupPrefix: 'ledger-auditor-rebuild' });
  const byPartition = new Map<number, StoredRecord[]>();
  for (const record of records) {
    const partition = byPartition.get(record.partition);
    if (partition) partition.push(record);
    else byPartition.set(record.partition, [record]);
  }

  const groupId = `ledger-auditor-rebuild-${Date.now()}`;
  let done = 0;
  let applied = 0;
  let duplicates = 0;
  let deadLettered = 0;
  for (const [partition, partitionRecords] of byPartition) {
    for (let start = 0; start < partitionRecords.length; start += CHUNK) {
      const chunk = partitionRecords.slice(start, start + CHUNK);
      const answer = await projectBatch(target, { groupId, topic, partition, records: chunk });
      if (answer.outcome === 'rewind') {
        throw new Error(`partition ${partition}: records before offset ${chunk[0].offset} are missing`);
      }
      applied += answer.result.applied;
      duplicates += answer.result.duplicates;
      deadLettered += Object.values(answer.result.deadLettered).reduce((sum, count) => sum + count, 0);
      done += chunk.length;
      onProgress?.(done, records.length);
    }
  }
  return { records: records.length, applied, duplicates, deadLettered };
}
