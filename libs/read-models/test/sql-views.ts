import type { RecordedEnvelope } from '@ledger/contracts';
import { inTransaction } from '@ledger/database';
import type { Pool } from 'pg';
import {
  READ_MODEL_TABLES,
  applyEvents,
  exportControlsActive,
  licences,
  measureState,
  tariffChangesBetween,
  tariffList,
  tariffsEffective,
} from '../src';
import type { Views } from './specification';

/** The Postgres read models behind the same interface as the in-memory evaluator. */
export function sqlViews(pool: Pool): Views {
  return {
    tariffs: (query) => tariffsEffective(pool, query),
    exportControls: (query) => exportControlsActive(pool, query),
    measure: (id, at) => measureState(pool, id, at),
    licences: async (filter, asOf) => [...(await licences(pool, { ...filter, asOf, limit: 1000 })).licences],
    tariffList: (query) => tariffList(pool, query),
    tariffChanges: (query) => tariffChangesBetween(pool, query),
  };
}

/** Applies events the way the projector does: one transaction per batch. */
export async function project(pool: Pool, batch: readonly RecordedEnvelope[]): Promise<void> {
  await inTransaction(pool, (client) => applyEvents(client, batch));
}

/**
 * Empties the read models between the runs of a property test. A rebuild truncates them, but
 * TRUNCATE makes new files for every table and costs hundreds of runs minutes on a busy
 * machine; deleting a few rows costs next to nothing.
 */
export async function emptyReadModels(pool: Pool): Promise<void> {
  await inTransaction(pool, async (client) => {
    for (const table of READ_MODEL_TABLES) await client.query(`DELETE FROM ${table}`);
  });
}
