import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Pool } from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { freePort } from '@ledger/testing';

/** Commands per request, as the import CLI sends them. */
const BATCH_SIZE = 1000;
/** Commands per stream: one imposition, then rate changes. */
const STREAM_LENGTH = 10;
const ADMIN_API = path.resolve(__dirname, '../apps/admin-api/src/main.js');
const KEY = `bench-batch-import-${'0'.repeat(24)}1`;
/** The journal's rows in the order a load needs them: a stream before its events. */
const TABLES = ['journal.streams', 'journal.events'] as const;

export interface BatchImportThroughput {
  /** Events recorded through POST /v1/batches, one request after another. */
  readonly batches: { readonly events: number; readonly seconds: number };
  /** The same journal rows loaded into an empty journal with one COPY per table. */
  readonly copy: { readonly events: number; readonly seconds: number };
}

const citation = { reference: 'Executive Order 14257' };

/** Command `index` of the import: every STREAM_LENGTH-th imposes a measure, the others change its rate. */
function command(runId: string, index: number): unknown {
  const streamId = `bench-${runId}-batch-${Math.floor(index / STREAM_LENGTH)}`;
  const step = index % STREAM_LENGTH;
  if (step === 0) {
    return {
      command: 'ImposeTariff',
      streamId,
      expectedVersion: 0,
      body: {
        imposer: 'US',
        targets: ['CN'],
        program: 'US-IEEPA-RECIPROCAL',
        products: { scope: 'all' },
        title: 'Batch import probe',
        legalInstrument: 'Executive Order 14257',
        announcedAt: '2025-04-02T20:00:00Z',
        rate: 34,
        validFrom: '2025-04-09T04:01:00Z',
        citation,
      },
    };
  }
  return {
    command: 'ChangeTariffRate',
    streamId,
    expectedVersion: step,
    body: { rate: 10 + step, validFrom: `2025-05-${String(10 + step).padStart(2, '0')}T04:01:00Z`, citation },
  };
}

async function startAdminApi(databaseUrl: string, port: number): Promise<ChildProcess> {
  const api = spawn(process.execPath, [ADMIN_API], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HTTP_HOST: '127.0.0.1',
      ADMIN_API_KEY: KEY,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let attempt = 0; attempt < 300; attempt++) {
    if (api.exitCode !== null) throw new Error(`the admin API exited with ${api.exitCode}`);
    const ready = await fetch(`http://127.0.0.1:${port}/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (ready) return api;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  api.kill('SIGTERM');
  throw new Error('the admin API did not become healthy within 30 s');
}

/** The journal's rows of one database, as COPY writes them. */
async function copyOut(pool: Pool, table: string): Promise<Buffer> {
  const client = await pool.connect();
  try {
    const chunks: Buffer[] = [];
    await pipeline(
      client.query(copyTo(`COPY ${table} TO STDOUT`)),
      new Writable({
        write(chunk: Buffer, _encoding, done) {
          chunks.push(chunk);
          done();
        },
      }),
    );
    return Buffer.concat(chunks);
  } finally {
    client.release();
  }
}

/**
 * `total` commands (each one event) posted to a real admin API in batches of 1000, one request
 * after another as the import CLI sends them, into the empty journal of `source`; then the
 * journal rows that made loaded into the empty journal of `target` with COPY, the most Postgres
 * takes them in: what a batch costs beyond the rows themselves (decisions, checks, hash chain,
 * HTTP and JSON).
 */
export async function measureBatchImport(
  source: { url: string; pool: Pool },
  target: Pool,
  total: number,
  runId: string,
): Promise<BatchImportThroughput> {
  const commands = Array.from({ length: total }, (_, index) => command(runId, index));
  const port = await freePort();
  const api = await startAdminApi(source.url, port);
  let batches: BatchImportThroughput['batches'];
  try {
    const startedAt = performance.now();
    let events = 0;
    for (let from = 0; from < commands.length; from += BATCH_SIZE) {
      const response = await fetch(`http://127.0.0.1:${port}/v1/batches`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ items: commands.slice(from, from + BATCH_SIZE) }),
      });
      const answer = (await response.json()) as { events?: unknown[] };
      if (response.status !== 201 || !answer.events) {
        throw new Error(`batch at ${from} refused (${response.status}): ${JSON.stringify(answer)}`);
      }
      events += answer.events.length;
    }
    batches = { events, seconds: (performance.now() - startedAt) / 1000 };
  } finally {
    api.kill('SIGTERM');
  }

  const rows = await Promise.all(TABLES.map((table) => copyOut(source.pool, table)));
  const client = await target.connect();
  try {
    const startedAt = performance.now();
    for (const [index, table] of TABLES.entries()) {
      await pipeline(Readable.from([rows[index]]), client.query(copyFrom(`COPY ${table} FROM STDIN`)));
    }
    const copied = await client.query<{ count: number }>('SELECT count(*)::int AS count FROM journal.events');
    return {
      batches,
      copy: { events: copied.rows[0].count, seconds: (performance.now() - startedAt) / 1000 },
    };
  } finally {
    client.release();
  }
}
