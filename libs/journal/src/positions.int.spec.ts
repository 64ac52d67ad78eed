import { Pool } from 'pg';
import { verifyStreamChain, type RecordedEnvelope, type PolicyEvent } from '@ledger/contracts';
import { createTestDatabase, eventually, roleUrl, type TestDatabase } from '@ledger/testing';
import { appendInTransaction, type AppendRequest } from './append';
import { StreamVersionConflict } from './errors';
import { Journal } from './journal';

const IMPOSED: PolicyEvent = {
  type: 'TariffImposed',
  data: {
    imposer: 'US',
    targets: ['*'],
    program: 'US-IEEPA-BASELINE',
    products: { scope: 'all' },
    title: 'Baseline reciprocal tariff',
    legalInstrument: 'Executive Order 14257',
    announcedAt: '2025-04-02T20:00:00.000Z',
    rate: 10,
    validFrom: '2025-04-05T04:01:00.000Z',
  },
};

function rateChanged(rate: number): PolicyEvent {
  return { type: 'TariffRateChanged', data: { rate, validFrom: '2025-08-07T04:01:00.000Z' } };
}

function appendTo(streamId: string, expectedVersion: number): AppendRequest {
  return {
    streamId,
    streamType: 'tariff-measure',
    expectedVersion,
    events: expectedVersion === 0 ? [IMPOSED] : [rateChanged(10 + expectedVersion)],
    actor: { keyId: 'key-admin-1', role: 'admin' },
    correlationId: `corr-${streamId}-${expectedVersion}`,
    causationId: null,
    citation: { reference: 'EO 14257' },
  };
}

/** Like the relay and GET /v1/events: remembers only the highest position it has seen. */
class CheckpointedReader {
  readonly seen: RecordedEnvelope[] = [];

  constructor(
    private readonly journal: Journal,
    private readonly batchSize: number,
    private checkpoint: number,
  ) {}

  /** Reads one batch after the checkpoint; returns how many events it got. */
  async readBatch(): Promise<number> {
    const batch = await this.journal.readAll(this.checkpoint, this.batchSize);
    this.seen.push(...batch);
    if (batch.length > 0) this.checkpoint = batch[batch.length - 1].position;
    return batch.length;
  }
}

async function waitersForTheAppendLock(db: TestDatabase): Promise<number> {
  const { rows } = await db.pool.query<{ waiting: string }>(
    `SELECT count(*) AS waiting FROM pg_locks
     WHERE locktype = 'advisory' AND NOT granted
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
  );
  return Number(rows[0].waiting);
}

function pause(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

describe('journal positions under concurrent, out-of-order commits', () => {
  let db: TestDatabase;
  /** Appends connect as the admin API does, under its role. */
  let appenders: Pool;
  let journal: Journal;

  beforeAll(async () => {
    db = await createTestDatabase();
    appenders = db.poolAs('ledger_writer');
    journal = new Journal(appenders);
  });

  afterAll(async () => {
    await db.drop();
  });

  it('a reader that checkpoints what it saw never skips an append that was still uncommitted', async () => {
    const reader = new CheckpointedReader(journal, 100, 0);
    const writerA = await appenders.connect();
    let a: RecordedEnvelope[];
    let bSettled = false;
    let b: Promise<RecordedEnvelope[]>;
    try {
      await writerA.query('BEGIN');
      a = (await appendInTransaction(writerA, appendTo('stream-x', 0))).events;

      b = journal
        .append(appendTo('stream-y', 0))
        .then((result) => result.events)
        .finally(() => {
          bSettled = true;
        });
      // B has either committed already (which a journal with unordered positions would allow)
      // or is queued behind A; either way the reader now reads while A is uncommitted.
      await eventually(async () => {
        if (!bSettled) expect(await waitersForTheAppendLock(db)).toBe(1);
      });
      await reader.readBatch();

      await writerA.query('COMMIT');
    } finally {
      writerA.release();
    }
    const bEvents = await b;
    await reader.readBatch();

    expect(reader.seen.map((event) => event.id)).toEqual([a[0].id, bEvents[0].id]);
    expect(a[0].position).toBeLessThan(bEvents[0].position);
  });

  it('a rolled-back append leaves a gap that readers pass over', async () => {
    const reader = new CheckpointedReader(journal, 100, await journal.headPosition());
    const writer = await appenders.connect();
    let b: Promise<RecordedEnvelope[]>;
    let abandoned: RecordedEnvelope[];
    try {
      await writer.query('BEGIN');
      abandoned = (await appendInTransaction(writer, appendTo('stream-z', 0))).events;
      b = journal.append(appendTo('stream-x', 1)).then((result) => result.events);
      await eventually(async () => expect(await waitersForTheAppendLock(db)).toBe(1));
      await writer.query('ROLLBACK');
    } finally {
      writer.release();
    }
    const bEvents = await b;
    await reader.readBatch();

    expect(reader.seen.map((event) => event.id)).toEqual([bEvents[0].id]);
    expect(bEvents[0].position).toBeGreaterThan(abandoned[0].position);
    expect(await journal.readStream('stream-z')).toBeNull();
  });

  it('a tailing reader sees every committed event exactly once, in position order, while many writers append', async () => {
    const writers = new Pool({ connectionString: roleUrl(db.url, 'ledger_writer'), max: 12 });
    const streams = Array.from({ length: 6 }, (_, index) => `random-stream-${index}`);
    const committed: RecordedEnvelope[] = [];
    const abandoned: RecordedEnvelope[] = [];

    /** One append, retried on version conflicts; some are held open a while, some rolled back. */
    async function appendOnce(streamId: string, fate: 'commit' | 'hold' | 'roll back'): Promise<void> {
      for (;;) {
        const version = (await journal.readStream(streamId))?.version ?? 0;
        const client = await writers.connect();
        try {
          await client.query('BEGIN');
          const { events } = await appendInTransaction(client, appendTo(streamId, version));
          if (fate === 'roll back') {
            await client.query('ROLLBACK');
            abandoned.push(...events);
            return;
          }
          if (fate === 'hold') await pause(Math.floor(Math.random() * 8));
          await client.query('COMMIT');
          committed.push(...events);
          return;
        } catch (error) {
          await client.query('ROLLBACK');
          if (!(error instanceof StreamVersionConflict)) throw error;
        } finally {
          client.release();
        }
      }
    }

    async function writer(writerIndex: number): Promise<void> {
      for (let round = 0; round < 25; round++) {
        const streamId = streams[Math.floor(Math.random() * streams.length)];
        const slot = (writerIndex + round) % 10;
        await appendOnce(streamId, slot === 0 ? 'roll back' : slot <= 3 ? 'hold' : 'commit');
      }
    }

    const start = await journal.headPosition();
    const reader = new CheckpointedReader(journal, 7, start);
    let writing = true;
    const tailing = (async () => {
      for (;;) {
        const finished = !writing;
        const read = await reader.readBatch();
        if (finished && read === 0) return;
        if (read === 0) await pause(1);
      }
    })();
    try {
      await Promise.all(Array.from({ length: 10 }, (_, index) => writer(index)));
    } finally {
      writing = false;
      await tailing;
      await writers.end();
    }

    const seenIds = reader.seen.map((event) => event.id);
    expect(new Set(seenIds).size).toBe(seenIds.length);
    expect([...seenIds].sort()).toEqual(committed.map((event) => event.id).sort());
    const positions = reader.seen.map((event) => event.position);
    expect(positions).toEqual([...positions].sort((x, y) => x - y));
    expect(reader.seen).toEqual(await journal.readAll(start, 10_000));

    expect(abandoned.length).toBeGreaterThan(0);
    const abandonedIds = new Set(abandoned.map((event) => event.id));
    expect(seenIds.filter((id) => abandonedIds.has(id))).toEqual([]);
    for (const streamId of streams) {
      const stream = await journal.readStream(streamId);
      if (stream) expect(verifyStreamChain(stream.events)).toMatchObject({ ok: true });
    }
  });
});
