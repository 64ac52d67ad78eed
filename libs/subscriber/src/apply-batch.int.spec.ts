import { randomBytes, randomUUID } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import {
  computeEventHash,
  toGenesisRecord,
  toKafkaRecord,
  withTopicInstance,
  type AnyEventEnvelope,
  type EventEnvelope,
  type KafkaRecord,
} from '@ledger/contracts';
import type { StoredRecord } from '@ledger/messaging';
import { createTestDatabase, uniqueName, type TestDatabase } from '@ledger/testing';
import { tariffStream } from '../../../test/support/projector-harness';
import { TopicInstances } from '@ledger/messaging';
import { applyBatch, type BatchAnswer } from './apply-batch';
import { ChainBroken, ForeignRecord, UnreadableRecord } from './errors';
import { installSubscriberTables } from './tables';

/** The records of one partition as a batch reads them: the genesis at offset 0, then `records`. */
function partitionOf(instance: string, records: readonly KafkaRecord[]): StoredRecord[] {
  const genesis = toGenesisRecord({
    topicInstanceId: instance,
    clusterId: 'cluster-test',
    topic: 'policy.events.test',
    partition: 0,
    partitions: 1,
    journalId: randomUUID(),
    createdAt: '2025-04-01T00:00:00.000Z',
  });
  return [genesis, ...records].map((record, offset) => ({
    partition: 0,
    offset: String(offset),
    key: record.key,
    value: Buffer.from(record.value),
    headers: record.headers,
    timestamp: '0',
  }));
}

const written = (instance: string) => (event: AnyEventEnvelope) =>
  withTopicInstance(toKafkaRecord(event), instance);

describe('applyBatch on Postgres: what a subscriber refuses', () => {
  let db: TestDatabase;
  const schema = uniqueName('sub_apply_');
  const handled: string[] = [];
  const handlers = {
    TariffImposed: (event: EventEnvelope<'TariffImposed'>) => void handled.push(event.id),
    TariffRateChanged: (event: EventEnvelope<'TariffRateChanged'>) => void handled.push(event.id),
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    await installSubscriberTables(db.pool, schema);
  });

  afterAll(async () => {
    await db.drop();
  });

  function apply(
    subscriber: string,
    records: readonly StoredRecord[],
    fetchedOffset = '0',
  ): Promise<BatchAnswer> {
    return applyBatch(
      db.pool,
      {
        subscriber,
        topic: 'policy.events.test',
        partition: 0,
        fetchedOffset,
        nextOffset: String(Number(records[records.length - 1].offset) + 1),
        records,
      },
      { schema, handlers, instances: new TopicInstances() },
    );
  }

  async function checkpoint(subscriber: string): Promise<string[]> {
    const { rows } = await db.pool.query<{ next_offset: string }>(
      `SELECT next_offset::text AS next_offset FROM ${schema}.subscriber_offsets WHERE subscriber = $1`,
      [subscriber],
    );
    return rows.map((row) => row.next_offset);
  }

  const stream = (length: number) => tariffStream(`us-apply-${randomBytes(4).toString('hex')}`, length);

  it('applies a chained stream once and counts a second delivery as duplicates', async () => {
    const instance = randomUUID();
    const records = partitionOf(instance, stream(3).map(written(instance)));
    expect(await apply('once', records)).toMatchObject({ outcome: 'processed', handled: 3, genesis: 1 });
    expect(await apply('once', records)).toMatchObject({ outcome: 'processed', handled: 0, redelivered: 4 });
    expect(await checkpoint('once')).toEqual(['4']);
  });

  it('refuses a gap in a stream', async () => {
    const instance = randomUUID();
    const events = stream(3);
    const records = partitionOf(instance, [events[0], events[2]].map(written(instance)));
    await expect(apply('gap', records)).rejects.toThrow(ChainBroken);
    await expect(apply('gap', records)).rejects.toThrow(/versions in between are missing/);
    expect(await checkpoint('gap')).toEqual([]);
  });

  it('refuses a second event at a version already seen (a fork)', async () => {
    const instance = randomUUID();
    const events = stream(2);
    expect(await apply('fork', partitionOf(instance, events.map(written(instance))))).toMatchObject({
      handled: 2,
    });
    const { hash: _hash, position, ...rest } = events[1];
    const other = { ...rest, id: uuidv7(), data: { ...rest.data, rate: 99 } } as Omit<
      EventEnvelope,
      'hash' | 'position'
    >;
    const fork = { ...other, position, hash: computeEventHash(other) } as AnyEventEnvelope;
    const records = partitionOf(instance, [...events, fork].map(written(instance)));
    await expect(apply('fork', records.slice(3), '3')).rejects.toThrow(/a fork/);
  });

  it('refuses a record that is no valid event', async () => {
    const instance = randomUUID();
    const [event] = stream(1);
    const tampered = {
      ...written(instance)(event),
      value: toKafkaRecord(event).value.replace('"rate":10', '"rate":11'),
    };
    const failure = apply('unreadable', partitionOf(instance, [tampered]));
    await expect(failure).rejects.toThrow(UnreadableRecord);
    await expect(apply('unreadable', partitionOf(instance, [tampered]))).rejects.toThrow(
      /hash does not recompute/,
    );
  });

  it('refuses a partition without a genesis record and a record without the instance header', async () => {
    const instance = randomUUID();
    const events = stream(1);
    const withoutGenesis = partitionOf(instance, events.map(written(instance))).slice(1);
    await expect(
      apply(
        'foreign',
        withoutGenesis.map((record) => ({ ...record, offset: '0' })),
      ),
    ).rejects.toThrow(/does not open with a genesis record/);
    const bare = partitionOf(
      instance,
      events.map((event) => toKafkaRecord(event)),
    );
    expect(await apply('foreign', bare.slice(0, 1))).toMatchObject({ outcome: 'processed', genesis: 1 });
    await expect(apply('foreign', bare.slice(1), '1')).rejects.toThrow(ForeignRecord);
  });

  it('sends a batch of an unknown instance back to offset 0, and refuses it if the start names another', async () => {
    const instance = randomUUID();
    const stranger = randomUUID();
    const events = stream(2);
    const records = partitionOf(instance, [written(instance)(events[0]), written(stranger)(events[1])]);
    const memory = new TopicInstances();
    const run = (batch: readonly StoredRecord[], fetchedOffset: string) =>
      applyBatch(
        db.pool,
        {
          subscriber: 'instances',
          topic: 'policy.events.test',
          partition: 0,
          fetchedOffset,
          nextOffset: String(Number(batch[batch.length - 1].offset) + 1),
          records: batch,
        },
        { schema, handlers, instances: memory },
      );
    expect(await run(records.slice(0, 2), '0')).toMatchObject({ outcome: 'processed', handled: 1 });
    expect(await run(records.slice(2), '2')).toMatchObject({ outcome: 'rewind', nextOffset: '0' });
    // The start names the partition's own instance: the stranger's record is foreign.
    expect(await run(records.slice(0, 2), '0')).toMatchObject({ outcome: 'processed', handled: 0 });
    await expect(run(records.slice(2), '2')).rejects.toThrow(ForeignRecord);
  });
});
