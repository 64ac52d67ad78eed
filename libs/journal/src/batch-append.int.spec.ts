import { type PolicyEvent, verifyStreamChain } from '@ledger/contracts';
import { createTestDatabase, type TestDatabase } from '@ledger/testing';
import type { AppendRequest } from './append';
import { BatchAppendRefused, EventRejected, IdempotencyKeyReused, StreamVersionConflict } from './errors';
import { Journal } from './journal';

const IMPOSED: PolicyEvent = {
  type: 'TariffImposed',
  data: {
    imposer: 'US',
    targets: ['CN'],
    program: 'US-IEEPA-RECIPROCAL',
    products: { scope: 'all' },
    title: 'Reciprocal tariff — People’s Republic of China',
    legalInstrument: 'Executive Order 14257',
    announcedAt: '2025-04-02T20:00:00.000Z',
    rate: 34,
    validFrom: '2025-04-09T04:01:00.000Z',
  },
};

const rateChanged = (rate: number): PolicyEvent => ({
  type: 'TariffRateChanged',
  data: { rate, validFrom: '2025-05-14T04:01:00.000Z' },
});

function appendTo(streamId: string, expectedVersion: number, events: readonly PolicyEvent[]): AppendRequest {
  return {
    streamId,
    streamType: 'tariff-measure',
    expectedVersion,
    events,
    actor: { keyId: 'key-admin-1', role: 'admin' },
    correlationId: `corr-${streamId}-${expectedVersion}`,
    causationId: null,
    citation: { reference: 'Executive Order 14257' },
  };
}

/** The journal's rows of streams whose ids start with `prefix`. */
async function rowsOf(db: TestDatabase, prefix: string) {
  const { rows } = await db.pool.query<{
    stream_id: string;
    stream_version: number;
    position: string;
    tx_id: string;
  }>(
    `SELECT stream_id, stream_version, position::text, tx_id::text FROM journal.events
     WHERE stream_id LIKE $1 ORDER BY position`,
    [`${prefix}%`],
  );
  return rows;
}

describe('batch appends to the journal', () => {
  let db: TestDatabase;
  let journal: Journal;

  beforeAll(async () => {
    db = await createTestDatabase();
    journal = new Journal(db.poolAs('ledger_writer'));
  });

  afterAll(async () => {
    await db.drop();
  });

  it('appends to several streams in one transaction: positions in request order and rising with each stream, hash chains whole', async () => {
    await journal.append(appendTo('chain-old', 0, [IMPOSED]));

    const { events } = await journal.appendBatch([
      appendTo('chain-new', 0, [IMPOSED]),
      appendTo('chain-old', 1, [rateChanged(84)]),
      appendTo('chain-new', 1, [rateChanged(84), rateChanged(125)]),
      appendTo('chain-old', 2, [rateChanged(125)]),
    ]);

    expect(events.map((event) => [event.streamId, event.streamVersion])).toEqual([
      ['chain-new', 1],
      ['chain-old', 2],
      ['chain-new', 2],
      ['chain-new', 3],
      ['chain-old', 3],
    ]);
    const rows = (await rowsOf(db, 'chain-')).slice(1);
    expect(rows.map((row) => Number(row.position))).toEqual(events.map((event) => event.position));
    expect(new Set(rows.map((row) => row.tx_id)).size).toBe(1);
    for (const streamId of ['chain-new', 'chain-old']) {
      const stream = (await journal.readStream(streamId))!;
      expect(verifyStreamChain(stream.events)).toEqual({ ok: true, checked: 3 });
      const stamps = stream.events.map((event) => Date.parse(event.recordedAt));
      expect(stamps.every((stamp, index) => index === 0 || stamp > stamps[index - 1])).toBe(true);
      const positions = stream.events.map((event) => event.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
    }
  });

  it('names the first request whose version is not its stream’s, and writes nothing', async () => {
    await journal.append(appendTo('stale-old', 0, [IMPOSED]));

    const refused = journal.appendBatch([
      appendTo('stale-new', 0, [IMPOSED]),
      appendTo('stale-new', 1, [rateChanged(84)]),
      appendTo('stale-old', 3, [rateChanged(84)]),
      appendTo('stale-old-2', 0, [IMPOSED]),
      appendTo('stale-old', 0, [IMPOSED]),
    ]);

    await expect(refused).rejects.toThrow(BatchAppendRefused);
    const error = (await refused.catch((caught: unknown) => caught)) as BatchAppendRefused;
    expect(error.index).toBe(2);
    expect(error.reason).toEqual(new StreamVersionConflict('stale-old', 3, 1));
    expect((await rowsOf(db, 'stale-')).map((row) => row.stream_id)).toEqual(['stale-old']);
    expect(await journal.readStream('stale-new')).toBeNull();
  });

  it('refuses a request that does not continue the one before it on its stream', async () => {
    const refused = journal.appendBatch([
      appendTo('gap-new', 0, [IMPOSED]),
      appendTo('gap-new', 2, [rateChanged(84)]),
    ]);

    await expect(refused).rejects.toMatchObject({
      index: 1,
      reason: new StreamVersionConflict('gap-new', 2, 1),
    });
    expect(await rowsOf(db, 'gap-')).toEqual([]);
  });

  it('refuses an event breaking the contract, naming its request, and writes nothing', async () => {
    const refused = journal.appendBatch([
      appendTo('contract-a', 0, [IMPOSED]),
      appendTo('contract-a', 1, [rateChanged(-5)]),
    ]);

    await expect(refused).rejects.toMatchObject({ index: 1 });
    expect(((await refused.catch((caught: unknown) => caught)) as BatchAppendRefused).reason).toBeInstanceOf(
      EventRejected,
    );
    expect(await rowsOf(db, 'contract-')).toEqual([]);
  });

  it('answers the same key and fingerprint with the first answer, and refuses it with another', async () => {
    const claim = { keyId: 'key-admin-1', key: 'batch-1', fingerprint: 'f1' };
    const first = await journal.appendBatch(
      [appendTo('replay-a', 0, [IMPOSED]), appendTo('replay-b', 0, [IMPOSED])],
      claim,
    );
    const again = await journal.appendBatch(
      [appendTo('replay-a', 0, [IMPOSED]), appendTo('replay-b', 0, [IMPOSED])],
      claim,
    );

    expect(first.replayed).toBe(false);
    expect(again).toEqual({ replayed: true, events: first.events });
    await expect(
      journal.appendBatch([appendTo('replay-c', 0, [IMPOSED])], { ...claim, fingerprint: 'f2' }),
    ).rejects.toThrow(IdempotencyKeyReused);
    expect(await rowsOf(db, 'replay-')).toHaveLength(2);
  });
});
