import { Global, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  CHECKPOINT_STREAM_ID,
  canonicalJson,
  computeEventHash,
  merkleRoot,
  SCHEMA_VERSIONS,
  signCheckpoint,
  verifyCheckpointSignature,
  upcastEnvelope,
  verifyStreamChain,
  type RecordedEnvelope,
  type PolicyEvent,
} from '@ledger/contracts';
import { PG_POOL } from '@ledger/database';
import { createTestDatabase, eventually, type TestDatabase } from '@ledger/testing';
import { type AppendRequest, JOURNAL_APPENDED_CHANNEL } from './append';
import { EventRejected, IdempotencyKeyReused, StreamVersionConflict } from './errors';
import { Journal } from './journal';
import { JournalModule } from './journal.module';

const RECIPROCAL_CN: PolicyEvent = {
  type: 'TariffImposed',
  data: {
    imposer: 'US',
    targets: ['CN'],
    program: 'US-IEEPA-RECIPROCAL',
    products: { scope: 'all', excludedCodes: ['2709', '8541'] },
    title: 'Reciprocal tariff — People’s Republic of China',
    legalInstrument: 'Executive Order 14257',
    announcedAt: '2025-04-02T20:00:00.000Z',
    rate: 34,
    validFrom: '2025-04-09T04:01:00.000Z',
    validTo: null,
  },
};

function rateChanged(rate: number, validFrom = '2025-05-14T04:01:00.000Z'): PolicyEvent {
  return { type: 'TariffRateChanged', data: { rate, validFrom, validTo: undefined } };
}

function appendTo(
  streamId: string,
  expectedVersion: number,
  events: readonly PolicyEvent[],
  extra: Partial<AppendRequest> = {},
): AppendRequest {
  return {
    streamId,
    streamType: 'tariff-measure',
    expectedVersion,
    events,
    actor: { keyId: 'key-admin-1', role: 'admin' },
    correlationId: 'corr-1',
    causationId: null,
    citation: { url: 'https://www.federalregister.gov/d/2025-06063', reference: 'EO 14257' },
    ...extra,
  };
}

/**
 * Waits until every committed event is settled: readers stop before events of transactions
 * younger than the oldest one in flight anywhere on the server, other tests' included.
 */
async function allSettled(db: TestDatabase, journal: Journal): Promise<void> {
  const { rows } = await db.pool.query<{ position: string }>(
    'SELECT coalesce(max(position), 0)::text AS position FROM journal.events',
  );
  await eventually(async () => expect(await journal.settledHeadPosition()).toBe(Number(rows[0].position)));
}

async function settledHead(db: TestDatabase, journal: Journal): Promise<number> {
  await allSettled(db, journal);
  return journal.settledHeadPosition();
}

async function rowCount(db: TestDatabase, table: string): Promise<number> {
  const { rows } = await db.pool.query<{ count: string }>(`SELECT count(*) FROM ${table}`);
  return Number(rows[0].count);
}

describe('the Postgres event journal', () => {
  let db: TestDatabase;
  /** As the admin API uses it, under its role; the relay's part of it under the relay's role. */
  let journal: Journal;
  let relayJournal: Journal;

  beforeAll(async () => {
    db = await createTestDatabase();
    journal = new Journal(db.poolAs('ledger_writer'));
    relayJournal = new Journal(db.poolAs('ledger_relay'));
  });

  afterAll(async () => {
    await db.drop();
  });

  it('starts empty: head position 0, no streams, nothing published', async () => {
    expect(await journal.headPosition()).toBe(0);
    expect(await journal.readAll(0, 100)).toEqual([]);
    expect(await journal.readStream('us-reciprocal-cn')).toBeNull();
    expect(await relayJournal.publicationsOf('policy.events')).toEqual([]);
  });

  describe('append and read back', () => {
    let created: RecordedEnvelope[];
    let changed: RecordedEnvelope[];

    beforeAll(async () => {
      created = (await journal.append(appendTo('us-reciprocal-cn', 0, [RECIPROCAL_CN]))).events;
      changed = (
        await journal.append(
          appendTo('us-reciprocal-cn', 1, [rateChanged(84), rateChanged(125.5)], {
            causationId: created[0].id,
            correlationId: 'corr-2',
            citation: null,
          }),
        )
      ).events;
    });

    it('wraps each event in the full envelope', () => {
      expect(created).toHaveLength(1);
      expect(created[0]).toMatchObject({
        type: 'TariffImposed',
        schemaVersion: SCHEMA_VERSIONS.TariffImposed,
        streamId: 'us-reciprocal-cn',
        streamType: 'tariff-measure',
        streamVersion: 1,
        actor: { keyId: 'key-admin-1', role: 'admin' },
        correlationId: 'corr-1',
        causationId: null,
        citation: { url: 'https://www.federalregister.gov/d/2025-06063', reference: 'EO 14257' },
        prevHash: null,
        data: RECIPROCAL_CN.data,
      });
      expect(created[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(changed.map((event) => [event.streamVersion, event.causationId, event.citation])).toEqual([
        [2, created[0].id, null],
        [3, created[0].id, null],
      ]);
      for (const event of [...created, ...changed]) {
        expect(event.recordedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
        expect(new Date(event.recordedAt).toISOString()).toBe(event.recordedAt);
        expect(event.hash).toMatch(/^[0-9a-f]{64}$/);
      }
    });

    it('chains the hashes: prevHash is the previous hash in the stream, each hash recomputes', () => {
      const events = [...created, ...changed];
      expect(events.map((event) => event.prevHash)).toEqual([null, events[0].hash, events[1].hash]);
      expect(verifyStreamChain(events)).toEqual({ ok: true, checked: 3 });
    });

    it('stores what it hashed: a member left undefined is absent, as JSON has it', () => {
      expect('validTo' in changed[0].data).toBe(false);
      expect(changed[1].data).toEqual({ rate: 125.5, validFrom: '2025-05-14T04:01:00.000Z' });
    });

    it('reads the stream back identical to what append returned, so the hash recomputes', async () => {
      const stream = await journal.readStream('us-reciprocal-cn');
      expect(stream).not.toBeNull();
      expect(stream!.streamType).toBe('tariff-measure');
      expect(stream!.version).toBe(3);
      expect(stream!.events).toEqual([...created, ...changed]);
      expect(stream!.events.map((event) => canonicalJson(event))).toEqual(
        [...created, ...changed].map((event) => canonicalJson(event)),
      );
      for (const event of stream!.events) {
        const { hash, position: _position, ...unhashed } = event;
        expect(computeEventHash(unhashed)).toBe(hash);
      }
      expect(verifyStreamChain(stream!.events)).toEqual({ ok: true, checked: 3 });
    });

    it('gives positions in append order and reads the journal after a position', async () => {
      const positions = [...created, ...changed].map((event) => event.position);
      expect(positions).toEqual([...positions].sort((a, b) => a - b));
      expect(new Set(positions).size).toBe(3);
      await allSettled(db, journal);
      expect(await journal.headPosition()).toBe(positions[2]);
      expect(await journal.readAll(0, 100)).toEqual([...created, ...changed]);
      expect(await journal.readAll(positions[0], 1)).toEqual([changed[0]]);
      expect(await journal.readAll(positions[2], 100)).toEqual([]);
    });

    it('tells the type of existing streams and leaves unknown ids out', async () => {
      const types = await journal.streamTypes(['us-reciprocal-cn', 'no-such-stream']);
      expect([...types]).toEqual([['us-reciprocal-cn', 'tariff-measure']]);
    });
  });

  it('keeps recordedAt strictly increasing per stream, also within one multi-event append', async () => {
    await journal.append(appendTo('us-steel-232', 0, [RECIPROCAL_CN]));
    for (let version = 1; version <= 20; version++) {
      await journal.append(appendTo('us-steel-232', version, [rateChanged(25 + version)]));
    }
    await journal.append(
      appendTo(
        'us-steel-232',
        21,
        Array.from({ length: 5 }, (_, index) => rateChanged(50 + index)),
      ),
    );
    const stream = await journal.readStream('us-steel-232');
    const instants = stream!.events.map((event) => Date.parse(event.recordedAt));
    expect(instants).toHaveLength(26);
    for (let index = 1; index < instants.length; index++) {
      expect(instants[index]).toBeGreaterThan(instants[index - 1]);
    }
    expect(verifyStreamChain(stream!.events)).toEqual({ ok: true, checked: 26 });
  });

  it('notifies the relay on commit with the last position of the append', async () => {
    const listener = await db.pool.connect();
    const payloads: string[] = [];
    try {
      listener.on('notification', (message) => {
        if (message.channel === JOURNAL_APPENDED_CHANNEL && message.payload) payloads.push(message.payload);
      });
      await listener.query(`LISTEN ${JOURNAL_APPENDED_CHANNEL}`);
      const { events } = await journal.append(
        appendTo('eu-steel-safeguard', 0, [RECIPROCAL_CN, rateChanged(50)]),
      );
      await eventually(() => expect(payloads).toEqual([String(events[1].position)]));
    } finally {
      await listener.query(`UNLISTEN ${JOURNAL_APPENDED_CHANNEL}`);
      listener.release();
    }
  });

  describe('optimistic concurrency', () => {
    it('refuses a stale or wrong expected version and writes nothing', async () => {
      const { events } = await journal.append(appendTo('us-autos-232', 0, [RECIPROCAL_CN]));
      const head = await settledHead(db, journal);
      const idempotency = { keyId: 'key-admin-1', key: 'stale-attempt', fingerprint: 'f1' };

      for (const [expectedVersion, actual] of [
        [0, 1],
        [2, 1],
        [7, 1],
      ]) {
        const attempt = journal.append(
          appendTo('us-autos-232', expectedVersion, [rateChanged(25)], { idempotency }),
        );
        await expect(attempt).rejects.toThrow(StreamVersionConflict);
        await expect(attempt).rejects.toMatchObject({
          streamId: 'us-autos-232',
          expected: expectedVersion,
          actual,
        });
      }
      await expect(journal.append(appendTo('no-such-measure', 3, [rateChanged(25)]))).rejects.toMatchObject({
        name: 'StreamVersionConflict',
        expected: 3,
        actual: 0,
      });

      expect((await journal.readStream('us-autos-232'))!.events).toEqual(events);
      expect(await journal.readStream('no-such-measure')).toBeNull();
      expect(await journal.headPosition()).toBe(head);
      expect(await journal.findIdempotent('key-admin-1', 'stale-attempt')).toBeNull();
    });

    it('lets exactly one of 100 concurrent appends at the same version through', async () => {
      await journal.append(appendTo('cn-rare-earth-tariff', 0, [RECIPROCAL_CN]));
      const outcomes = await Promise.allSettled(
        Array.from({ length: 100 }, (_, index) =>
          journal.append(appendTo('cn-rare-earth-tariff', 1, [rateChanged(index)])),
        ),
      );
      const appended = outcomes.filter((outcome) => outcome.status === 'fulfilled');
      const refused = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [outcome.reason as unknown] : [],
      );
      expect(appended).toHaveLength(1);
      expect(refused).toHaveLength(99);
      for (const reason of refused) {
        expect(reason).toBeInstanceOf(StreamVersionConflict);
        expect(reason).toMatchObject({ expected: 1, actual: 2 });
      }
      const stream = await journal.readStream('cn-rare-earth-tariff');
      expect(stream!.version).toBe(2);
      expect(stream!.events[1]).toEqual(appended[0].value.events[0]);
    });

    it('lets exactly one of concurrent creators of the same stream through', async () => {
      const outcomes = await Promise.allSettled(
        Array.from({ length: 20 }, () => journal.append(appendTo('mx-steel-safeguard', 0, [RECIPROCAL_CN]))),
      );
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes.filter((outcome) => outcome.status === 'rejected')) {
        expect(outcome.reason).toMatchObject({ name: 'StreamVersionConflict', expected: 0, actual: 1 });
      }
      expect((await journal.readStream('mx-steel-safeguard'))!.version).toBe(1);
    });

    it('refuses an event type that does not belong in the stream type, writing nothing', async () => {
      const head = await settledHead(db, journal);
      await expect(
        journal.append({
          ...appendTo('dy-export-control', 0, [RECIPROCAL_CN]),
          streamType: 'export-control',
        }),
      ).rejects.toThrow(/TariffImposed does not belong in a export-control stream/);
      expect(await journal.headPosition()).toBe(head);
    });
  });

  describe('idempotency keys', () => {
    it('replays the first answer for the same key and fingerprint, appending nothing', async () => {
      const idempotency = { keyId: 'key-admin-1', key: 'create-ca-surtax', fingerprint: 'sha256:aaa' };
      const first = await journal.append(
        appendTo('ca-surtax', 0, [RECIPROCAL_CN, rateChanged(25)], { idempotency }),
      );
      const head = await settledHead(db, journal);

      const retry = await journal.append(
        appendTo('ca-surtax', 0, [RECIPROCAL_CN, rateChanged(25)], { idempotency }),
      );
      expect(first.replayed).toBe(false);
      expect(retry).toEqual({ replayed: true, events: first.events });
      expect(await journal.findIdempotent('key-admin-1', 'create-ca-surtax')).toEqual({
        fingerprint: 'sha256:aaa',
        events: first.events,
      });
      expect(await journal.headPosition()).toBe(head);
      expect((await journal.readStream('ca-surtax'))!.version).toBe(2);
    });

    it('refuses the same key with another fingerprint, appending nothing', async () => {
      const key = { keyId: 'key-admin-1', key: 'raise-ca-surtax' };
      await journal.append(
        appendTo('ca-surtax', 2, [rateChanged(35)], { idempotency: { ...key, fingerprint: 'A' } }),
      );
      const head = await settledHead(db, journal);
      const reused = journal.append(
        appendTo('ca-surtax', 3, [rateChanged(45)], { idempotency: { ...key, fingerprint: 'B' } }),
      );
      await expect(reused).rejects.toThrow(IdempotencyKeyReused);
      await expect(reused).rejects.toMatchObject({ key: 'raise-ca-surtax' });
      expect(await journal.headPosition()).toBe(head);
      expect((await journal.readStream('ca-surtax'))!.version).toBe(3);
    });

    it('keeps keys of different callers apart', async () => {
      const request = (keyId: string, expectedVersion: number): AppendRequest =>
        appendTo('ca-surtax', expectedVersion, [rateChanged(10)], {
          idempotency: { keyId, key: 'lower-ca-surtax', fingerprint: 'same' },
        });
      const first = await journal.append(request('key-admin-1', 3));
      const second = await journal.append(request('key-admin-2', 4));
      expect([first.replayed, second.replayed]).toEqual([false, false]);
      expect((await journal.readStream('ca-surtax'))!.version).toBe(5);
    });

    it('appends exactly once when 20 requests with one key race', async () => {
      const idempotency = { keyId: 'key-admin-1', key: 'create-jp-autos', fingerprint: 'sha256:bbb' };
      const head = await settledHead(db, journal);
      const results = await Promise.all(
        Array.from({ length: 20 }, () =>
          journal.append(appendTo('jp-autos', 0, [RECIPROCAL_CN], { idempotency })),
        ),
      );
      const original = results.filter((result) => !result.replayed);
      expect(original).toHaveLength(1);
      for (const result of results) expect(result.events).toEqual(original[0].events);
      expect((await journal.readStream('jp-autos'))!.events).toEqual(original[0].events);
      await eventually(async () =>
        expect((await journal.readAll(head, 100)).filter((event) => event.streamId === 'jp-autos')).toEqual(
          original[0].events,
        ),
      );
    });
  });

  describe('the database itself guards the journal', () => {
    it('refuses a second event at the same stream version when the code is bypassed', async () => {
      await journal.append(appendTo('in-solar-duty', 0, [RECIPROCAL_CN]));
      const duplicate = db.pool.query(
        `INSERT INTO journal.events
         SELECT nextval('journal.event_position'), gen_random_uuid(), stream_id, stream_type,
                stream_version, type, schema_version, recorded_at, actor, correlation_id,
                causation_id, citation, prev_hash, hash, data
         FROM journal.events WHERE stream_id = $1 AND stream_version = 1`,
        ['in-solar-duty'],
      );
      await expect(duplicate).rejects.toMatchObject({
        code: '23505',
        constraint: 'events_stream_id_stream_version_key',
      });
      expect((await journal.readStream('in-solar-duty'))!.version).toBe(1);
    });

    it('refuses UPDATE, DELETE and TRUNCATE on the events, whoever asks', async () => {
      await allSettled(db, journal);
      const before = await journal.readAll(0, 10_000);
      expect(before.length).toBeGreaterThan(0);
      for (const statement of [
        `UPDATE journal.events SET data = '{"rate": 0}' WHERE stream_id = 'us-reciprocal-cn'`,
        `UPDATE journal.events SET hash = hash WHERE false`,
        `DELETE FROM journal.events WHERE stream_id = 'us-reciprocal-cn'`,
        `DELETE FROM journal.events`,
        `TRUNCATE journal.events CASCADE`,
      ]) {
        await expect(db.pool.query(statement)).rejects.toMatchObject({
          code: '23001',
          message: expect.stringMatching(/journal\.events is append-only: (UPDATE|DELETE|TRUNCATE) refused/),
        });
      }
      expect(await journal.readAll(0, 10_000)).toEqual(before);
      expect(await rowCount(db, 'journal.events')).toBe(before.length);
    });
  });

  it('is provided by JournalModule on the application pool (PG_POOL)', async () => {
    @Global()
    @Module({ providers: [{ provide: PG_POOL, useValue: db.pool }], exports: [PG_POOL] })
    class ApplicationPool {}

    const moduleRef = await Test.createTestingModule({ imports: [ApplicationPool, JournalModule] }).compile();
    try {
      const provided = moduleRef.get(Journal);
      expect(provided).toBeInstanceOf(Journal);
      expect(await provided.headPosition()).toBe(await settledHead(db, journal));
    } finally {
      await moduleRef.close();
    }
  });

  it('refuses events that break the published contract, before anything is written', async () => {
    const head = await settledHead(db, journal);
    const absurd: PolicyEvent = {
      ...RECIPROCAL_CN,
      data: { ...RECIPROCAL_CN.data, rate: 5000, imposer: 'XX' },
    };
    const attempt = journal.append(appendTo('contract-breaker', 0, [absurd]));
    await expect(attempt).rejects.toThrow(EventRejected);
    await expect(attempt).rejects.toMatchObject({
      violations: expect.arrayContaining([
        expect.stringMatching(/^data\.rate/),
        expect.stringMatching(/^data\.imposer/),
      ]),
    });
    expect(await journal.headPosition()).toBe(head);
    expect(await journal.readStream('contract-breaker')).toBeNull();
  });

  describe('publications, per topic instance', () => {
    const first = { clusterId: 'cluster-a', topic: 'policy.events', topicInstance: randomUUID() };

    it('are kept per instance, never per topic name, and only move forward', async () => {
      expect(await relayJournal.readPublication(first)).toBeNull();
      await relayJournal.startPublication(first, 6);
      await relayJournal.savePublication(first, 5);
      await relayJournal.savePublication(first, 3);
      expect(await relayJournal.readPublication(first)).toMatchObject({
        ...first,
        partitions: 6,
        position: 5,
      });

      const recreated = { ...first, topicInstance: randomUUID() };
      const otherCluster = { ...first, clusterId: 'cluster-b' };
      expect(await relayJournal.readPublication(recreated)).toBeNull();
      expect(await relayJournal.readPublication(otherCluster)).toBeNull();
      await relayJournal.startPublication(recreated, 6);
      await relayJournal.startPublication(first, 6);
      expect(
        (await relayJournal.publicationsOf('policy.events')).map((row) => [row.topicInstance, row.position]),
      ).toEqual([
        [first.topicInstance, 5],
        [recreated.topicInstance, 0],
      ]);
    });
  });

  it("states what it holds at a position, and takes the ledger's signed checkpoint into its own stream", async () => {
    const head = await relayJournal.settledHeadPosition();
    const statement = await relayJournal.checkpointStatementAt(head);
    const events = (await relayJournal.readAll(0, 10_000)).filter((event) => event.position <= head);
    const heads = new Map(events.map((event) => [event.streamId, event]));
    expect(statement).toEqual({
      journalId: await relayJournal.journalId(),
      position: head,
      eventCount: events.length,
      streamCount: heads.size,
      merkleRoot: merkleRoot([...heads.values()]),
    });

    const { privateKey, publicKey } = generateKeyPairSync('ed25519');
    const [recorded] = (
      await relayJournal.append({
        streamId: CHECKPOINT_STREAM_ID,
        streamType: 'ledger',
        expectedVersion: 0,
        events: [{ type: 'LedgerCheckpointSigned', data: signCheckpoint(statement, privateKey) }],
        actor: { keyId: 'relay', role: 'system' },
        correlationId: 'checkpoint-1',
        causationId: null,
        citation: null,
      })
    ).events;
    const checkpoint = upcastEnvelope(recorded);
    expect(
      checkpoint.type === 'LedgerCheckpointSigned' && verifyCheckpointSignature(checkpoint.data, [publicKey]),
    ).toBe('valid');
    // The checkpoint is part of what the next one states; the earlier statement stays as it was.
    expect((await relayJournal.checkpointStatementAt(checkpoint.position)).streamCount).toBe(heads.size + 1);
    expect(await relayJournal.checkpointStatementAt(head)).toEqual(statement);

    // The ledger's own events left out, and positions compared as numbers ('9' sorts after '10' as text).
    await allSettled(db, relayJournal);
    const policy = (await relayJournal.readAll(0, 10_000)).filter((event) => event.streamType !== 'ledger');
    expect(policy.at(-1)!.position).toBeGreaterThan(10);
    expect(await relayJournal.lastPolicyPosition()).toBe(policy.at(-1)!.position);
  });

  it('has an id of its own: another database is another journal', async () => {
    const id = await relayJournal.journalId();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const other = await createTestDatabase();
    try {
      expect(await new Journal(other.pool).journalId()).not.toBe(id);
    } finally {
      await other.drop();
    }
  });
});
