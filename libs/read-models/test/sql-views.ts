import type { AnyEventEnvelope } from '@ledger/contracts';
import { inTransaction } from '@ledger/database';
import type { Pool } from 'pg';
import { applyEvents, exportControlsActive, licences, measureState, tariffsEffective } from '../src';
import type { Views } from './specification';

/** The Postgres read models behind the same interface as the in-memory evaluator. */
export function sqlViews(pool: Pool): Views {
  return {
    tariffs: (query) => tariffsEffective(pool, query),
    exportControls: (query) => exportControlsActive(pool, query),
    measure: (id, at) => measureState(pool, id, at),
    licences: async (filter, asOf) => [...(await licences(pool, { ...filter, asOf, limit: 1000 })).licences],
  };
}

/** Applies events the way the projector does: one transaction per batch. */
export async function project(pool: Pool, batch: readonly AnyEventEnvelope[]): Promise<void> {
  await inTransaction(pool, (client) => applyEvents(client, batch));
}
