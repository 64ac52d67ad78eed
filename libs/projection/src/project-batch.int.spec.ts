import { toKafkaRecord, type AnyEventEnvelope } from '@ledger/contracts';
import type { StoredRecord } from '@ledger/messaging';
import { appliedVersions } from '@ledger/read-models';
import { createTestDatabase, uniqueName, type TestDatabase } from '@ledger/testing';
import { tariffStream } from '../../../test/support/projector-harness';
import { listDeadLetters } from './dead-letters';
import { projectBatch } from './project-batch';
import { redriveDeadLetters } from './redrive';

const TOPIC = 'policy.events';

function asRecord(event: AnyEventEnvelope, offset: number): StoredRecord {
  const record = toKafkaRecord(event);
  return {
    ...record,
    value: Buffer.from(record.value),
    partition: 0,
    offset: String(offset),
    timestamp: '0',
  };
}

function rawRecord(offset: number, key: string | null, value: string | null): StoredRecord {
  return {
    partition: 0,
    offset: String(offset),
    key,
    value: value === null ? null : Buffer.from(value),
    headers: { ce_type: 'Broken' },
    timestamp: '0',
  };
}

describe('projectBatch on real Postgres', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
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

  async function storedOffset(groupId: string): Promise<string> {
    const { rows } = await db.pool.query<{ next_offset: string }>(
      'SELECT next_offset::text AS next_offset FROM projector.consumed_offsets WHERE group_id = $1',
      [groupId],
    );
    return rows[0].next_offset;
  }

  it('applies a batch once, however often it is delivered', async () => {
    const groupId = uniqueName('group-');
    const steel = tariffStream('us-steel-redelivery', 3);
    const records = steel.map(asRecord);
    const batch = { groupId, topic: TOPIC, partition: 0, records };

    const first = await projectBatch(db.pool, batch);
    const again = await projectBatch(db.pool, batch);

    expect(first).toMatchObject({ outcome: 'processed', result: { applied: 3 } });
    expect(again).toMatchObject({ outcome: 'processed', result: { applied: 0, redelivered: 3 } });
    expect(await versions('us-steel-redelivery')).toEqual({ 'us-steel-redelivery': 3 });
    expect(await storedOffset(groupId)).toBe('3');
  });

  it('skips an already applied stream version even when it arrives at a new offset', async () => {
    const groupId = uniqueName('group-');
    const [imposed, changed] = tariffStream('us-steel-republished', 2);
    await projectBatch(db.pool, { groupId, topic: TOPIC, partition: 0, records: [asRecord(imposed, 0)] });

    const outcome = await projectBatch(db.pool, {
      groupId,
      topic: TOPIC,
      partition: 0,
      records: [asRecord(imposed, 1), asRecord(changed, 2)],
    });

    expect(outcome).toMatchObject({ outcome: 'processed', result: { applied: 1, duplicates: 1 } });
    expect(await versions('us-steel-republished')).toEqual({ 'us-steel-republished': 2 });
  });

  it('asks to re-read from the stored offset when a batch starts beyond it', async () => {
    const groupId = uniqueName('group-');
    const events = tariffStream('us-steel-behind', 3);

    const outcome = await projectBatch(db.pool, {
      groupId,
      topic: TOPIC,
      partition: 0,
      records: [asRecord(events[2], 2)],
    });

    expect(outcome).toEqual({ outcome: 'rewind', nextOffset: '0' });
    expect(await versions('us-steel-behind')).toEqual({});
  });

  it('quarantines bad records with their raw bytes and parks a gapped stream until the gap closes', async () => {
    const groupId = uniqueName('group-');
    const rare = tariffStream('cn-rare-earths-gap', 3);
    const copper = tariffStream('cl-copper-fine', 1);

    const outcome = await projectBatch(db.pool, {
      groupId,
      topic: TOPIC,
      partition: 0,
      records: [
        rawRecord(0, 'garbage', '{not json'),
        asRecord(rare[0], 1),
        rawRecord(2, 'cn-rare-earths-gap', JSON.stringify({ specversion: '1.0', id: 'x' })),
        asRecord(rare[2], 3),
        asRecord(copper[0], 4),
      ],
    });

    expect(outcome).toMatchObject({
      outcome: 'processed',
      result: { applied: 2, deadLettered: { unparseable: 1, 'schema-violation': 1, parked: 1 } },
    });
    expect(await versions('cn-rare-earths-gap', 'cl-copper-fine')).toEqual({
      'cn-rare-earths-gap': 1,
      'cl-copper-fine': 1,
    });
    const letters = (await listDeadLetters(db.pool, { includeResolved: true })).filter(
      (letter) => letter.record.key === 'garbage' || letter.record.key === 'cn-rare-earths-gap',
    );
    expect(letters.map(({ kind, offset, streamVersion }) => ({ kind, offset, streamVersion }))).toEqual([
      { kind: 'unparseable', offset: '0', streamVersion: null },
      { kind: 'schema-violation', offset: '2', streamVersion: null },
      { kind: 'parked', offset: '3', streamVersion: 3 },
    ]);
    expect(letters[0].record.value?.toString()).toBe('{not json');
    expect(letters[0].record.headers).toEqual({ ce_type: 'Broken' });

    const filled = await projectBatch(db.pool, {
      groupId,
      topic: TOPIC,
      partition: 0,
      records: [asRecord(rare[1], 5)],
    });

    expect(filled).toMatchObject({ outcome: 'processed', result: { applied: 2, unparked: 1 } });
    expect(await versions('cn-rare-earths-gap')).toEqual({ 'cn-rare-earths-gap': 3 });
    const parked = (await listDeadLetters(db.pool, { includeResolved: true })).find(
      (letter) => letter.kind === 'parked' && letter.streamId === 'cn-rare-earths-gap',
    );
    expect(parked).toMatchObject({ resolution: 'applied' });
    expect(parked?.resolvedAt).toBeInstanceOf(Date);
  });

  it('re-drives a quarantined record that is valid now, and leaves the still invalid ones', async () => {
    const groupId = uniqueName('group-');
    const [imposed] = tariffStream('eu-steel-redrive', 1);
    const fixed = toKafkaRecord(imposed);
    // As if the contracts were since fixed: the stored bytes are a valid event today.
    const { rows } = await db.pool.query<{ id: string }>(
      `INSERT INTO projector.dead_letters (kind, reason, topic, partition, "offset", raw_key, raw_value, raw_headers)
       VALUES ('schema-violation', 'unknown type at the time', $1, 0, 99, $2, $3, $4) RETURNING id::text`,
      [TOPIC, Buffer.from(fixed.key), Buffer.from(fixed.value), JSON.stringify(fixed.headers)],
    );
    await projectBatch(db.pool, {
      groupId,
      topic: TOPIC,
      partition: 0,
      records: [rawRecord(0, 'still-broken', 'nope')],
    });
    const broken = (await listDeadLetters(db.pool, { includeResolved: false })).find(
      (letter) => letter.record.key === 'still-broken',
    );

    const report = await redriveDeadLetters(db.pool, [rows[0].id, broken!.id]);

    expect(report.resolved).toBe(1);
    expect(report.stillInvalid.map(({ letter }) => letter.id)).toEqual([broken!.id]);
    expect(await versions('eu-steel-redrive')).toEqual({ 'eu-steel-redrive': 1 });
    const unresolved = await listDeadLetters(db.pool, { includeResolved: false });
    expect(unresolved.map((letter) => letter.id)).toContain(broken!.id);
    expect(unresolved.map((letter) => letter.id)).not.toContain(rows[0].id);
  });
});
