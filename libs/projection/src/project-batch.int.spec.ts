import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import {
  computeEventHash,
  toGenesisRecord,
  toKafkaRecord,
  withTopicInstance,
  type AnyEventEnvelope,
  type RecordedEnvelope,
} from '@ledger/contracts';
import { appliedVersions } from '@ledger/read-models';
import { createTestDatabase, uniqueName, type TestDatabase } from '@ledger/testing';
import { tariffStream } from '../../../test/support/projector-harness';
import { listDeadLetters } from './dead-letters';
import { projectBatch, storedOffsets, type PartitionBatch } from './project-batch';
import { redriveDeadLetters } from './redrive';
import { TopicInstances, type StoredRecord } from '@ledger/messaging';

const TOPIC = 'policy.events';

function genesis(instance: string, offset: number): StoredRecord {
  const record = toGenesisRecord({
    topicInstanceId: instance,
    clusterId: 'test-cluster',
    topic: TOPIC,
    partition: 0,
    partitions: 1,
    journalId: randomUUID(),
    createdAt: '2025-04-01T00:00:00.000Z',
  });
  return {
    ...record,
    value: Buffer.from(record.value),
    partition: 0,
    offset: String(offset),
    timestamp: '0',
  };
}

function asRecord(event: AnyEventEnvelope, offset: number, instance: string): StoredRecord {
  const record = withTopicInstance(toKafkaRecord(event), instance);
  return {
    ...record,
    value: Buffer.from(record.value),
    partition: 0,
    offset: String(offset),
    timestamp: '0',
  };
}

function rawRecord(
  offset: number,
  key: string | null,
  value: Buffer | string | null,
  headers: Record<string, string>,
): StoredRecord {
  return {
    partition: 0,
    offset: String(offset),
    key,
    value: value === null ? null : Buffer.from(value),
    headers,
    timestamp: '0',
  };
}

/** A batch as the consumer hands it over: read from `fetchedOffset` (default: its first record). */
function batchOf(
  groupId: string,
  records: readonly StoredRecord[],
  { fetchedOffset, nextOffset }: { fetchedOffset?: number; nextOffset?: number } = {},
): PartitionBatch {
  const last = BigInt(records[records.length - 1].offset);
  return {
    groupId,
    topic: TOPIC,
    partition: 0,
    fetchedOffset: String(fetchedOffset ?? records[0].offset),
    nextOffset: String(nextOffset ?? last + 1n),
    records,
  };
}

describe('projectBatch on real Postgres', () => {
  let db: TestDatabase;
  /** The projection connects as the projector does, under its role; the test inspects as the superuser. */
  let projector: Pool;

  beforeAll(async () => {
    db = await createTestDatabase();
    projector = db.poolAs('ledger_projector');
  });

  afterAll(async () => {
    await db.drop();
  });

  async function versions(...streamIds: string[]): Promise<Record<string, number>> {
    const client = await db.pool.connect();
    try {
      return Object.fromEntries(await appliedVersions(client, streamIds));
    } finally {
      client.release();
    }
  }

  async function offsetsOf(groupId: string): Promise<Record<string, string>> {
    const { rows } = await db.pool.query<{ topic_instance: string; next_offset: string }>(
      `SELECT topic_instance::text AS topic_instance, next_offset::text AS next_offset
       FROM projector.consumed_offsets WHERE group_id = $1`,
      [groupId],
    );
    return Object.fromEntries(rows.map((row) => [row.topic_instance, row.next_offset]));
  }

  async function lettersOf(instance: string) {
    return (await listDeadLetters(db.pool, { includeResolved: true })).filter(
      (letter) => letter.topicInstance === instance,
    );
  }

  it('applies a batch once, however often it is delivered, and counts the genesis record as consumed', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const steel = tariffStream('us-steel-redelivery', 3);
    const batch = batchOf(groupId, [
      genesis(instance, 0),
      ...steel.map((event, index) => asRecord(event, index + 1, instance)),
    ]);

    const first = await projectBatch(projector, batch);
    const again = await projectBatch(projector, batch);

    expect(first).toMatchObject({
      outcome: 'processed',
      topicInstance: instance,
      result: { applied: 3, genesis: 1 },
    });
    expect(again).toMatchObject({ outcome: 'processed', result: { applied: 0, genesis: 0, redelivered: 4 } });
    expect(await versions('us-steel-redelivery')).toEqual({ 'us-steel-redelivery': 3 });
    expect(await offsetsOf(groupId)).toEqual({ [instance]: '4' });
    expect(await lettersOf(instance)).toEqual([]);
  });

  it('projects one batch spanning 20 000 streams within the default lock table of the server', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const streams = Array.from({ length: 20_000 }, (_, index) => tariffStream(`us-wide-${index}`, 1)[0]);
    const batch = batchOf(groupId, [
      genesis(instance, 0),
      ...streams.map((event, index) => asRecord(event, index + 1, instance)),
    ]);

    const outcome = await projectBatch(projector, batch);

    expect(outcome).toMatchObject({ outcome: 'processed', result: { applied: 20_000 } });
    expect(await versions('us-wide-0', 'us-wide-19999')).toEqual({ 'us-wide-0': 1, 'us-wide-19999': 1 });
    expect(await offsetsOf(groupId)).toEqual({ [instance]: '20001' });
  });

  it('skips an already applied stream version even when it arrives at a new offset', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const [imposed, changed] = tariffStream('us-steel-republished', 2);
    await projectBatch(projector, batchOf(groupId, [genesis(instance, 0), asRecord(imposed, 1, instance)]));

    const outcome = await projectBatch(
      projector,
      batchOf(groupId, [asRecord(imposed, 2, instance), asRecord(changed, 3, instance)]),
    );

    expect(outcome).toMatchObject({ outcome: 'processed', result: { applied: 1, duplicates: 1 } });
    expect(await versions('us-steel-republished')).toEqual({ 'us-steel-republished': 2 });
  });

  it('goes on past transaction markers and aborted records, whose offsets the records skip', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const events = tariffStream('us-steel-transactions', 3);
    // Offsets as a transactional producer leaves them: 1 and 4 are commit markers, 5-6 aborted
    // records and 7 their abort marker, none of them handed to the consumer.
    const first = await projectBatch(
      projector,
      batchOf(
        groupId,
        [genesis(instance, 0), asRecord(events[0], 2, instance), asRecord(events[1], 3, instance)],
        {
          fetchedOffset: 0,
          nextOffset: 5,
        },
      ),
    );
    const second = await projectBatch(
      projector,
      batchOf(groupId, [asRecord(events[2], 8, instance)], { fetchedOffset: 5, nextOffset: 10 }),
    );

    expect(first).toMatchObject({ outcome: 'processed', result: { applied: 2 } });
    expect(second).toMatchObject({ outcome: 'processed', result: { applied: 1, redelivered: 0 } });
    expect(await versions('us-steel-transactions')).toEqual({ 'us-steel-transactions': 3 });
    expect(await offsetsOf(groupId)).toEqual({ [instance]: '10' });
  });

  it('asks to re-read from the stored offset when the reading began beyond it', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const events = tariffStream('us-steel-behind', 3);
    await projectBatch(projector, batchOf(groupId, [genesis(instance, 0), asRecord(events[0], 1, instance)]));

    const outcome = await projectBatch(projector, batchOf(groupId, [asRecord(events[2], 3, instance)]));

    expect(outcome).toMatchObject({ outcome: 'rewind', nextOffset: '2' });
    expect(await versions('us-steel-behind')).toEqual({ 'us-steel-behind': 1 });
    expect(await offsetsOf(groupId)).toEqual({ [instance]: '2' });
  });

  it('reads a partition from offset 0 when no offsets are stored for it', async () => {
    const groupId = uniqueName('group-');
    const events = tariffStream('us-steel-unknown', 3);

    const outcome = await projectBatch(projector, batchOf(groupId, [asRecord(events[2], 7, randomUUID())]));

    expect(outcome).toMatchObject({ outcome: 'rewind', nextOffset: '0' });
    expect(await versions('us-steel-unknown')).toEqual({});
    expect(await offsetsOf(groupId)).toEqual({});
  });

  it('reads a new topic instance from its start and applies only what the read models lack', async () => {
    const groupId = uniqueName('group-');
    const instances = new TopicInstances();
    const [old, renewed] = [randomUUID(), randomUUID()];
    const events = tariffStream('us-steel-new-instance', 4);
    await projectBatch(
      projector,
      batchOf(groupId, [genesis(old, 0), asRecord(events[0], 1, old), asRecord(events[1], 2, old)]),
      { instances },
    );

    // The re-created topic already holds more records than the old one had: the consumer's
    // position (3) lands in the middle of it.
    const renewedRecords = [
      genesis(renewed, 0),
      ...events.map((event, index) => asRecord(event, index + 1, renewed)),
    ];
    const midway = await projectBatch(
      projector,
      batchOf(groupId, renewedRecords.slice(3), { fetchedOffset: 3 }),
      {
        instances,
      },
    );
    const fromStart = await projectBatch(projector, batchOf(groupId, renewedRecords, { fetchedOffset: 0 }), {
      instances,
    });

    expect(midway).toMatchObject({ outcome: 'rewind', nextOffset: '0' });
    expect(fromStart).toMatchObject({
      outcome: 'processed',
      topicInstance: renewed,
      result: { applied: 2, duplicates: 2, genesis: 1, redelivered: 0 },
    });
    expect(await versions('us-steel-new-instance')).toEqual({ 'us-steel-new-instance': 4 });
    expect(await offsetsOf(groupId)).toEqual({ [old]: '3', [renewed]: '5' });
    expect(await storedOffsets(db.pool, groupId, TOPIC, [0])).toEqual(new Map([[0, '5']]));
    const { rows } = await db.pool.query<{ events: number }>(
      `SELECT count(*)::int AS events FROM read_models.events WHERE stream_id = 'us-steel-new-instance'`,
    );
    expect(rows[0].events).toBe(4);
  });

  it('dead-letters foreign records: without the instance header, or of an instance the partition does not open with', async () => {
    const groupId = uniqueName('group-');
    const instances = new TopicInstances();
    const [own, other] = [randomUUID(), randomUUID()];
    const events = tariffStream('us-steel-foreign', 3);
    const stray = tariffStream('us-steel-stray', 1);
    const partition = [
      genesis(own, 0),
      asRecord(events[0], 1, own),
      { ...asRecord(stray[0], 2, own), headers: toKafkaRecord(stray[0]).headers },
      asRecord(events[1], 3, own),
      asRecord(stray[0], 4, other),
      asRecord(events[2], 5, own),
    ];
    await projectBatch(projector, batchOf(groupId, partition.slice(0, 4)), { instances });

    const suspicious = await projectBatch(projector, batchOf(groupId, partition.slice(4)), { instances });
    const fromStart = await projectBatch(projector, batchOf(groupId, partition), { instances });
    const again = await projectBatch(projector, batchOf(groupId, partition.slice(4)), { instances });

    expect(suspicious).toMatchObject({ outcome: 'rewind', nextOffset: '0' });
    expect(fromStart).toMatchObject({
      outcome: 'processed',
      result: { applied: 1, redelivered: 4, deadLettered: { foreign: 1 } },
    });
    expect(again).toMatchObject({ outcome: 'processed', result: { applied: 0, redelivered: 2 } });
    expect(await versions('us-steel-foreign', 'us-steel-stray')).toEqual({ 'us-steel-foreign': 3 });
    const letters = await lettersOf(own);
    expect(letters.map(({ kind, offset }) => ({ kind, offset }))).toEqual([
      { kind: 'foreign', offset: '2' },
      { kind: 'foreign', offset: '4' },
    ]);
    expect(letters[0].reason).toContain('no ledger-topic-instance header');
    expect(letters[1].reason).toContain(`written for topic instance ${other}`);
  });

  it('dead-letters every record of a partition that does not open with a genesis record', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const events = tariffStream('us-steel-no-genesis', 2);

    const outcome = await projectBatch(
      projector,
      batchOf(groupId, [asRecord(events[0], 0, instance), asRecord(events[1], 1, instance)]),
    );

    expect(outcome).toMatchObject({
      outcome: 'processed',
      topicInstance: '00000000-0000-0000-0000-000000000000',
      result: { applied: 0, deadLettered: { foreign: 2 } },
    });
    expect(await versions('us-steel-no-genesis')).toEqual({});
  });

  it('keeps NUL, invalid UTF-8 and oversized records as dead letters byte for byte, and goes on', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const [imposed] = tariffStream('us-steel-unstorable', 1);
    const [other] = tariffStream('us-steel-with-nul', 1);
    const { hash: _hash, ...unhashed } = { ...other, citation: { reference: 'EO\u0000 14257' } };
    const withNul = { ...unhashed, hash: computeEventHash(unhashed) } as AnyEventEnvelope;
    const nulRecord = asRecord(withNul, 1, instance);
    const invalidUtf8 = Buffer.concat([
      Buffer.from('{"specversion":"1.0","id":"'),
      Buffer.from([0xc3, 0x28]),
      Buffer.from('"}'),
    ]);
    const oversized = Buffer.from(JSON.stringify({ specversion: '1.0', padding: 'x'.repeat(5000) }));

    const outcome = await projectBatch(
      projector,
      batchOf(groupId, [
        genesis(instance, 0),
        { ...nulRecord, headers: { ...nulRecord.headers, 'x-note': 'a\u0000b' } },
        rawRecord(2, 'us-steel-unstorable', invalidUtf8, { 'ledger-topic-instance': instance }),
        rawRecord(3, 'us-steel-unstorable', oversized, { 'ledger-topic-instance': instance }),
        asRecord(imposed, 4, instance),
      ]),
      { limits: { maxValueBytes: 4096 } },
    );

    expect(outcome).toMatchObject({
      outcome: 'processed',
      result: { applied: 1, deadLettered: { 'schema-violation': 1, unparseable: 1, oversized: 1 } },
    });
    expect(await versions('us-steel-unstorable', 'us-steel-with-nul')).toEqual({ 'us-steel-unstorable': 1 });
    const letters = await lettersOf(instance);
    expect(letters.map(({ kind, offset }) => ({ kind, offset }))).toEqual([
      { kind: 'schema-violation', offset: '1' },
      { kind: 'unparseable', offset: '2' },
      { kind: 'oversized', offset: '3' },
    ]);
    expect(letters[0].reason).toBe('value holds a NUL character (\\u0000)');
    expect(letters[0].record.value).toEqual(nulRecord.value);
    expect(letters[0].record.headers['x-note']).toBe('a\uFFFDb');
    expect(letters[1].reason).toBe('value is not valid UTF-8');
    expect(letters[1].record.value).toEqual(invalidUtf8);
    expect(letters[2].reason).toBe(`value of ${oversized.length} bytes is over the limit of 4096`);
    expect(letters[2].record.value).toEqual(oversized);
  });

  it('sets aside an event the read models refuse, parks its stream behind it, and applies the other streams', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const refused = tariffStream('us-steel-refused', 3);
    const fine = tariffStream('us-steel-fine', 2);
    const refuse = (events: readonly RecordedEnvelope[]) => {
      if (events.some((event) => event.streamId === 'us-steel-refused'))
        throw new Error('refused by the read models');
    };
    const batch = batchOf(groupId, [
      genesis(instance, 0),
      asRecord(refused[0], 1, instance),
      asRecord(fine[0], 2, instance),
      asRecord(refused[1], 3, instance),
      asRecord(fine[1], 4, instance),
    ]);

    await expect(projectBatch(projector, batch, { beforeApply: refuse })).rejects.toThrow(
      'refused by the read models',
    );
    expect(await offsetsOf(groupId)).toEqual({});

    const isolated = await projectBatch(projector, batch, { beforeApply: refuse, isolate: true });
    const later = await projectBatch(projector, batchOf(groupId, [asRecord(refused[2], 5, instance)]), {
      beforeApply: refuse,
    });

    expect(isolated).toMatchObject({
      outcome: 'processed',
      result: { applied: 2, deadLettered: { 'apply-failed': 1, parked: 1 } },
    });
    expect(later).toMatchObject({
      outcome: 'processed',
      result: { applied: 0, deadLettered: { parked: 1 } },
    });
    expect(await versions('us-steel-refused', 'us-steel-fine')).toEqual({ 'us-steel-fine': 2 });
    const letters = await lettersOf(instance);
    expect(letters.map(({ kind, streamVersion }) => ({ kind, streamVersion }))).toEqual([
      { kind: 'apply-failed', streamVersion: 1 },
      { kind: 'parked', streamVersion: 2 },
      { kind: 'parked', streamVersion: 3 },
    ]);
    expect(letters[0].reason).toBe('applying it failed: refused by the read models');
    expect(letters[1].reason).toContain('version 1 failed to apply');

    // The cause is gone (no hook): the refused event and the ones parked behind it are applied.
    const report = await redriveDeadLetters(projector, [letters[0].id]);

    expect(report).toMatchObject({ resolved: 3, stillWaiting: [], stillInvalid: [] });
    expect(await versions('us-steel-refused')).toEqual({ 'us-steel-refused': 3 });
    expect((await lettersOf(instance)).map(({ resolution }) => resolution)).toEqual([
      'applied',
      'applied',
      'applied',
    ]);
  });

  it('retries a transient error rather than setting anything aside, even when isolating', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const [imposed] = tariffStream('us-steel-transient', 1);
    const restarting = Object.assign(new Error('terminating connection due to administrator command'), {
      code: '57P01',
    });

    await expect(
      projectBatch(projector, batchOf(groupId, [genesis(instance, 0), asRecord(imposed, 1, instance)]), {
        isolate: true,
        beforeApply: () => {
          throw restarting;
        },
      }),
    ).rejects.toBe(restarting);

    expect(await offsetsOf(groupId)).toEqual({});
    expect(await lettersOf(instance)).toEqual([]);
  });

  it('quarantines bad records with their raw bytes and parks a gapped stream until the gap closes', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const rare = tariffStream('cn-rare-earths-gap', 3);
    const copper = tariffStream('cl-copper-fine', 1);
    const stamp = { 'ledger-topic-instance': instance, ce_type: 'Broken' };

    const outcome = await projectBatch(
      projector,
      batchOf(groupId, [
        genesis(instance, 0),
        rawRecord(1, 'garbage', '{not json', stamp),
        asRecord(rare[0], 2, instance),
        rawRecord(3, 'cn-rare-earths-gap', JSON.stringify({ specversion: '1.0', id: 'x' }), stamp),
        asRecord(rare[2], 4, instance),
        asRecord(copper[0], 5, instance),
      ]),
    );

    expect(outcome).toMatchObject({
      outcome: 'processed',
      result: { applied: 2, deadLettered: { unparseable: 1, 'schema-violation': 1, parked: 1 } },
    });
    expect(await versions('cn-rare-earths-gap', 'cl-copper-fine')).toEqual({
      'cn-rare-earths-gap': 1,
      'cl-copper-fine': 1,
    });
    const letters = await lettersOf(instance);
    expect(letters.map(({ kind, offset, streamVersion }) => ({ kind, offset, streamVersion }))).toEqual([
      { kind: 'unparseable', offset: '1', streamVersion: null },
      { kind: 'schema-violation', offset: '3', streamVersion: null },
      { kind: 'parked', offset: '4', streamVersion: 3 },
    ]);
    expect(letters[0].record.value?.toString()).toBe('{not json');
    expect(letters[0].record.headers).toEqual(stamp);

    const filled = await projectBatch(projector, batchOf(groupId, [asRecord(rare[1], 6, instance)]));

    expect(filled).toMatchObject({ outcome: 'processed', result: { applied: 2, unparked: 1 } });
    expect(await versions('cn-rare-earths-gap')).toEqual({ 'cn-rare-earths-gap': 3 });
    const parked = (await lettersOf(instance)).find((letter) => letter.kind === 'parked');
    expect(parked).toMatchObject({ resolution: 'applied' });
    expect(parked?.resolvedAt).toBeInstanceOf(Date);
  });

  it('re-drives a quarantined record that is valid now, and leaves the still invalid and the foreign ones', async () => {
    const groupId = uniqueName('group-');
    const instance = randomUUID();
    const [imposed] = tariffStream('eu-steel-redrive', 1);
    const [foreign] = tariffStream('eu-steel-foreign', 1);
    const fixed = toKafkaRecord(imposed);
    // As if the contracts were since fixed: the stored bytes are a valid event today.
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO projector.dead_letters (kind, reason, topic, partition, "offset", raw_key, raw_value, raw_headers)
       VALUES ('schema-violation', 'unknown type at the time', $1, 0, 99, $2, $3, $4) RETURNING id::text`,
      [TOPIC, Buffer.from(fixed.key), Buffer.from(fixed.value), JSON.stringify(fixed.headers)],
    );
    await projectBatch(
      projector,
      batchOf(groupId, [
        genesis(instance, 0),
        rawRecord(1, 'still-broken', 'nope', { 'ledger-topic-instance': instance }),
        asRecord(foreign, 2, randomUUID()),
      ]),
    );
    const [broken, stray] = await lettersOf(instance);

    const report = await redriveDeadLetters(projector, [rows[0].id, broken.id, stray.id]);

    expect(report.resolved).toBe(1);
    expect(report.stillInvalid.map(({ letter }) => letter.id)).toEqual([broken.id, stray.id]);
    expect(report.stillInvalid[1].reason).toMatch(/^foreign: written for topic instance/);
    expect(await versions('eu-steel-redrive', 'eu-steel-foreign')).toEqual({ 'eu-steel-redrive': 1 });
    const unresolved = (await listDeadLetters(db.pool, { includeResolved: false })).map(
      (letter) => letter.id,
    );
    expect(unresolved).toEqual(expect.arrayContaining([broken.id, stray.id]));
    expect(unresolved).not.toContain(rows[0].id);
  });
});
