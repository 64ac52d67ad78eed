import { performance } from 'node:perf_hooks';
import { Pool } from 'pg';
import type { PolicyEvent } from '@ledger/contracts';
import { inTransaction } from '@ledger/database';
import { Journal, appendInTransaction, type AppendRequest } from '@ledger/journal';

/** How many appenders run at once, each on its own stream. */
export const WRITER_COUNTS = [1, 4, 32] as const;

export type AppendMode = 'commit' | 'journal' | 'serialised';

export interface AppendThroughput {
  readonly mode: AppendMode;
  readonly writers: number;
  readonly events: number;
  readonly seconds: number;
}

/** A scratch table for the commit baseline, in the benchmark's own database. */
const CREATE_COMMIT_TABLE = `
  CREATE TABLE IF NOT EXISTS public.bench_commits (id bigserial PRIMARY KEY, writer int NOT NULL, body text NOT NULL)`;
const COMMIT_ONE_ROW = 'INSERT INTO public.bench_commits (writer, body) VALUES ($1, $2)';
/** The journal's position lock, held until commit: how every append ran before they ran concurrently. */
const GLOBAL_APPEND_LOCK = `SELECT pg_advisory_xact_lock(x'6a6f75726e616c'::bigint)`;

const IMPOSED: PolicyEvent = {
  type: 'TariffImposed',
  data: {
    imposer: 'US',
    targets: ['CN'],
    program: 'US-IEEPA-RECIPROCAL',
    products: { scope: 'all' },
    title: 'Append throughput probe',
    legalInstrument: 'Executive Order 14257',
    announcedAt: '2025-04-02T20:00:00.000Z',
    rate: 34,
    validFrom: '2025-04-09T04:01:00.000Z',
  },
};

function request(streamId: string, expectedVersion: number): AppendRequest {
  const event: PolicyEvent =
    expectedVersion === 0
      ? IMPOSED
      : {
          type: 'TariffRateChanged',
          data: { rate: 10 + (expectedVersion % 90), validFrom: '2025-05-14T04:01:00.000Z' },
        };
  return {
    streamId,
    streamType: 'tariff-measure',
    expectedVersion,
    events: [event],
    actor: { keyId: 'bench', role: 'admin' },
    correlationId: `bench-${streamId}-${expectedVersion}`,
    causationId: null,
    citation: { reference: 'EO 14257' },
  };
}

/**
 * One event per transaction, `writers` at once, each writer on its own stream, `total` events
 * in all: `commit` inserts one row into a plain table (what Postgres commits at most, bound by
 * WAL flushes that concurrent commits share), `journal` appends through the journal as the
 * admin API does, `serialised` does the same holding one global lock until commit, as appends
 * did before they ran concurrently.
 */
async function measure(
  url: string,
  mode: AppendMode,
  writers: number,
  total: number,
  runId: string,
): Promise<AppendThroughput> {
  const pool = new Pool({ connectionString: url, max: writers, application_name: 'ledger-bench' });
  try {
    const journal = new Journal(pool);
    const perWriter = Math.max(1, Math.floor(total / writers));
    const write = async (writer: number, index: number): Promise<void> => {
      const streamId = `bench-${runId}-${mode}-${writers}-${writer}`;
      if (mode === 'commit') {
        await pool.query(COMMIT_ONE_ROW, [writer, streamId]);
      } else if (mode === 'journal') {
        await journal.append(request(streamId, index));
      } else {
        await inTransaction(pool, async (client) => {
          await client.query(GLOBAL_APPEND_LOCK);
          await appendInTransaction(client, request(streamId, index));
        });
      }
    };
    const startedAt = performance.now();
    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        for (let index = 0; index < perWriter; index++) await write(writer, index);
      }),
    );
    return { mode, writers, events: perWriter * writers, seconds: (performance.now() - startedAt) / 1000 };
  } finally {
    await pool.end();
  }
}

/** Every mode at every writer count, one after another on an otherwise idle database. */
export async function measureAppendThroughput(
  url: string,
  total: number,
  runId: string,
  log: (line: string) => void,
): Promise<AppendThroughput[]> {
  const setup = new Pool({ connectionString: url, max: 1 });
  try {
    await setup.query(CREATE_COMMIT_TABLE);
  } finally {
    await setup.end();
  }
  const results: AppendThroughput[] = [];
  for (const mode of ['commit', 'journal', 'serialised'] as const) {
    for (const writers of WRITER_COUNTS) {
      const result = await measure(url, mode, writers, total, runId);
      log(`appends (${mode}, ${writers} writers): ${Math.round(result.events / result.seconds)} events/s`);
      results.push(result);
    }
  }
  return results;
}
