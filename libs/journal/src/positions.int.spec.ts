import { Pool } from 'pg';
import { verifyStreamChain, type RecordedEnvelope, type PolicyEvent } from '@ledger/contracts';
import { createTestDatabase, eventually, roleUrl, type TestDatabase } from '@ledger/testing';
import { appendInTransaction, reservePositions, type AppendRequest } from './append';
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
  /** Whether the last batch stopped before committed events still settling. */
  settling = false;

  constructor(
    private readonly journal: Journal,
    private readonly batchSize: number,
    private checkpoint: number,
  ) {}

  /** Reads one batch after the checkpoint; returns how many events it got. */
  async readBatch(): Promise<number> {
    const { events: batch, settling } = await this.journal.readPage(this.checkpoint, this.batchSize);
    this.settling = settling;
    this.seen.push(...batch);
    if (batch.length > 0) this.checkpoint = batch[batch.length - 1].position;
    return batch.length;
  }
}

/** Appends waiting for their stream's turn (an advisory lock) in this test's database. */
async function waitersForAStreamTurn(db: TestDatabase): Promise<number> {
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

/** An append held open in its own transaction until commit() or rollBack(). */
interface OpenAppend {
  readonly events: RecordedEnvelope[];
  commit(): Promise<void>;
  rollBack(): Promise<void>;
}

async function openAppend(pool: Pool, request: AppendRequest): Promise<OpenAppend> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const { events } = await appendInTransaction(client, request);
    const end = async (how: 'COMMIT' | 'ROLLBACK') => {
      try {
        await client.query(how);
      } finally {
        client.release();
      }
    };
    return { events, commit: () => end('COMMIT'), rollBack: () => end('ROLLBACK') };
  } catch (error) {
    await client.query('ROLLBACK');
    client.release();
    throw error;
  }
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

  it('a later append to another stream commits while an earlier one is open, and readers wait for the earlier one', async () => {
    const reader = new CheckpointedReader(journal, 100, await journal.headPosition());
    const a = await openAppend(appenders, appendTo('stream-x', 0));
    let b: RecordedEnvelope[];
    try {
      // B commits while A still holds its append open: appends no longer take turns.
      b = (await journal.append(appendTo('stream-y', 0))).events;
      expect(b[0].position).toBeGreaterThan(a.events[0].position);

      expect(await reader.readBatch()).toBe(0);
      const page = await journal.readPage(a.events[0].position - 1, 100);
      expect(page).toEqual({ events: [], settling: true });
      expect(await journal.settledHeadPosition()).toBeLessThan(a.events[0].position);
      expect(await journal.headPosition()).toBe(b[0].position);
    } finally {
      await a.commit();
    }
    await eventually(async () => {
      await reader.readBatch();
      expect(reader.seen.map((event) => event.id)).toEqual([a.events[0].id, b[0].id]);
    });
    expect(await journal.settledHeadPosition()).toBe(b[0].position);
  });

  it('a transaction that appends nothing holds readers back until it ends, without losing what committed meanwhile', async () => {
    const reader = new CheckpointedReader(journal, 100, await journal.headPosition());
    const other = await db.pool.connect();
    let b: RecordedEnvelope[];
    try {
      await other.query('BEGIN');
      await other.query('SELECT pg_current_xact_id()');
      b = (await journal.append(appendTo('stream-w', 0))).events;
      expect(await reader.readBatch()).toBe(0);
      expect((await journal.readPage(b[0].position - 1, 100)).settling).toBe(true);
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }
    await eventually(async () => {
      await reader.readBatch();
      expect(reader.seen.map((event) => event.id)).toEqual([b[0].id]);
    });
  });

  it('a rolled-back append leaves a gap that readers pass over', async () => {
    const reader = new CheckpointedReader(journal, 100, await journal.headPosition());
    const abandoned = await openAppend(appenders, appendTo('stream-z', 0));
    let b: RecordedEnvelope[];
    try {
      b = (await journal.append(appendTo('stream-x', 1))).events;
      expect(await reader.readBatch()).toBe(0);
    } finally {
      await abandoned.rollBack();
    }
    await eventually(async () => {
      await reader.readBatch();
      expect(reader.seen.map((event) => event.id)).toEqual([b[0].id]);
    });
    expect(b[0].position).toBeGreaterThan(abandoned.events[0].position);
    expect(await journal.readStream('stream-z')).toBeNull();
  });

  it('appends to one stream take turns, so its positions follow its versions', async () => {
    const first = await openAppend(appenders, appendTo('stream-v', 0));
    let settled = false;
    const second = journal
      .append(appendTo('stream-v', 1))
      .then((result) => result.events)
      .finally(() => {
        settled = true;
      });
    try {
      await eventually(async () => expect(await waitersForAStreamTurn(db)).toBe(1));
      expect(settled).toBe(false);
    } finally {
      await first.commit();
    }
    const [later] = await second;
    expect(later.streamVersion).toBe(2);
    expect(later.position).toBeGreaterThan(first.events[0].position);
  });

  it('refuses an append after the transaction wrote something else, unless its positions were reserved first', async () => {
    const client = await appenders.connect();
    try {
      await client.query('BEGIN');
      await client.query(`SELECT version FROM journal.streams WHERE stream_id = 'stream-x' FOR UPDATE`);
      await expect(appendInTransaction(client, appendTo('stream-x', 2))).rejects.toThrow(
        /must be reserved before the transaction writes anything/,
      );
      await client.query('ROLLBACK');

      await client.query('BEGIN');
      const reservation = await reservePositions(client, 'stream-x', 1);
      await client.query(`SELECT version FROM journal.streams WHERE stream_id = 'stream-x' FOR UPDATE`);
      const { events } = await appendInTransaction(client, appendTo('stream-x', 2), reservation);
      await client.query('COMMIT');
      expect(events.map((event) => event.position)).toEqual(reservation.positions);
    } finally {
      client.release();
    }
  });

  it('many appenders on different streams hold their appends open at once, and a tailer never skips one whatever the commit order', async () => {
    const writers = new Pool({ connectionString: roleUrl(db.url, 'ledger_writer'), max: 12 });
    const start = await journal.headPosition();
    const reader = new CheckpointedReader(journal, 3, start);
    try {
      // Every append returns while all the others are still open: none waits for another.
      const open = await Promise.all(
        Array.from({ length: 10 }, (_, index) => openAppend(writers, appendTo(`parallel-${index}`, 0))),
      );
      const byPosition = [...open].sort((x, y) => x.events[0].position - y.events[0].position);
      expect(await reader.readBatch()).toBe(0);

      const committed = new Set<OpenAppend>();
      const commitOrder = [...open].sort(() => Math.random() - 0.5);
      for (const append of commitOrder) {
        await append.commit();
        committed.add(append);
        // What a reader may see: the appends below the lowest one still open, in position order.
        const firstOpen = byPosition.findIndex((candidate) => !committed.has(candidate));
        const expected = (firstOpen === -1 ? byPosition : byPosition.slice(0, firstOpen)).map(
          (candidate) => candidate.events[0].id,
        );
        await eventually(async () => {
          while ((await reader.readBatch()) > 0);
          expect(reader.seen.map((event) => event.id)).toEqual(expected);
        });
      }
    } finally {
      await writers.end();
    }
    expect(reader.seen).toEqual(await journal.readAll(start, 10_000));
  });

  it("reads events restored from another server, whose transaction ids are beyond this one's", async () => {
    const head = await journal.headPosition();
    await db.pool.query(
      `INSERT INTO journal.streams (stream_id, stream_type, version, last_recorded_at)
       SELECT 'restored-stream', stream_type, 1, last_recorded_at FROM journal.streams WHERE stream_id = 'stream-y'`,
    );
    await db.pool.query(
      `INSERT INTO journal.events (position, id, stream_id, stream_type, stream_version, type, schema_version,
         recorded_at, actor, correlation_id, causation_id, citation, prev_hash, hash, data, tx_id)
       SELECT nextval('journal.event_position'), gen_random_uuid(), 'restored-stream', stream_type, 1, type,
              schema_version, recorded_at, actor, correlation_id, causation_id, citation, prev_hash, hash, data,
              (pg_current_xact_id()::text::numeric + 1000000000)::text::xid8
       FROM journal.events WHERE stream_id = 'stream-y' AND stream_version = 1`,
    );
    const restored = await journal.readAll(head, 100);
    expect(restored.map((event) => event.streamId)).toEqual(['restored-stream']);
    expect(await journal.settledHeadPosition()).toBe(restored[0].position);
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
        if (finished && read === 0 && !reader.settling) return;
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
