import { eventually, testKafka, uniqueName } from '@ledger/testing';
import type { Kafka } from 'kafkajs';
import { createKafka, ensureEventTopic } from './kafka';
import { readFirstRecords, readLastRecords, readTopic, topicWatermarks } from './topic-reader';
import { ProducerFenced, TransactionalProducer, type PlacedRecord } from './transactional-producer';

const record = (partition: number, name: string): PlacedRecord => ({
  key: `stream-${partition}`,
  partition,
  value: JSON.stringify({ name }),
  headers: { ce_id: name },
});

const names = (records: readonly { headers: Readonly<Record<string, string>> }[]) =>
  records.map((entry) => entry.headers.ce_id);

describe('the transactional producer and the topic readers on the real broker', () => {
  let kafka: Kafka;

  beforeAll(() => {
    kafka = createKafka(testKafka('admin', { clientId: 'transactional-int' }));
  });

  async function newTopic(partitions: number): Promise<string> {
    const topic = uniqueName('transactional-');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureEventTopic(admin, { topic, partitions });
    } finally {
      await admin.disconnect();
    }
    return topic;
  }

  it('commits all of a transaction, reports the offsets it got, and readers step over the commit markers', async () => {
    const topic = await newTopic(2);
    const producer = new TransactionalProducer(kafka, topic, uniqueName('tx-'));
    await producer.connect();
    try {
      await producer.fence();
      const first = await producer.publish(
        [[record(0, 'a0'), record(1, 'a1')], [record(0, 'b0')]],
        () => undefined,
      );
      expect(Object.fromEntries([...first].map(([partition, range]) => [partition, range]))).toEqual({
        0: { first: 0n, last: 1n },
        1: { first: 0n, last: 0n },
      });
      const second = await producer.publish([[record(0, 'c0')]], () => undefined);
      // The commit marker of the first transaction took offset 2.
      expect(second.get(0)).toEqual({ first: 3n, last: 3n });
    } finally {
      await producer.disconnect();
    }
    // The coordinator writes commit markers after the commit returns: the last stable offset follows shortly.
    await eventually(async () =>
      expect((await topicWatermarks(kafka, topic)).get(0)).toEqual({ low: 0n, high: 5n }),
    );
    expect(names(await readTopic(kafka, topic))).toEqual(['a0', 'b0', 'c0', 'a1']);
    const lasts = await readLastRecords(kafka, topic);
    expect([lasts.get(0)?.headers.ce_id, lasts.get(1)?.headers.ce_id]).toEqual(['c0', 'a1']);
    const firsts = await readFirstRecords(kafka, topic);
    expect([firsts.get(0)?.headers.ce_id, firsts.get(1)?.headers.ce_id]).toEqual(['a0', 'a1']);
    const notC = await readLastRecords(kafka, topic, (found) => found.headers.ce_id !== 'c0');
    expect(notC.get(0)?.headers.ce_id).toBe('b0');
  });

  it('aborts the whole transaction when the check before commit throws: readers never see it', async () => {
    const topic = await newTopic(1);
    const producer = new TransactionalProducer(kafka, topic, uniqueName('tx-'));
    await producer.connect();
    try {
      await producer.publish([[record(0, 'kept')]], () => undefined);
      await expect(
        producer.publish([[record(0, 'aborted-1'), record(0, 'aborted-2')]], () => {
          throw new Error('not the topic we knew');
        }),
      ).rejects.toThrow('not the topic we knew');
      await producer.publish([[record(0, 'after')]], () => undefined);
    } finally {
      await producer.disconnect();
    }
    await eventually(async () => expect(names(await readTopic(kafka, topic))).toEqual(['kept', 'after']));
    expect((await readLastRecords(kafka, topic)).get(0)?.headers.ce_id).toBe('after');
  });

  it('fences the older producer of a transactional id once a newer one has taken it over', async () => {
    const topic = await newTopic(1);
    const transactionalId = uniqueName('tx-');
    const deposed = new TransactionalProducer(kafka, topic, transactionalId);
    const successor = new TransactionalProducer(kafka, topic, transactionalId);
    await deposed.connect();
    await successor.connect();
    try {
      await deposed.publish([[record(0, 'before-takeover')]], () => undefined);
      await successor.fence();
      await expect(deposed.publish([[record(0, 'from-the-deposed')]], () => undefined)).rejects.toThrow(
        ProducerFenced,
      );
      await successor.publish([[record(0, 'from-the-successor')]], () => undefined);
    } finally {
      await deposed.disconnect();
      await successor.disconnect();
    }
    await eventually(async () =>
      expect(names(await readTopic(kafka, topic))).toEqual(['before-takeover', 'from-the-successor']),
    );
  });

  it('finds nothing on an empty topic, and looks past a long run of unaccepted records', async () => {
    const topic = await newTopic(1);
    expect(await readFirstRecords(kafka, topic)).toEqual(new Map());
    expect(await readLastRecords(kafka, topic)).toEqual(new Map());
    const producer = new TransactionalProducer(kafka, topic, uniqueName('tx-'));
    await producer.connect();
    try {
      await producer.publish(
        [[record(0, 'wanted'), ...Array.from({ length: 100 }, (_, index) => record(0, `other-${index}`))]],
        () => undefined,
      );
    } finally {
      await producer.disconnect();
    }
    const wanted = (found: { headers: Readonly<Record<string, string>> }) => found.headers.ce_id === 'wanted';
    await eventually(async () => expect((await topicWatermarks(kafka, topic)).get(0)?.high).toBe(102n));
    expect((await readLastRecords(kafka, topic, wanted)).get(0)?.offset).toBe('0');
    expect((await readFirstRecords(kafka, topic, (found) => !wanted(found))).get(0)?.offset).toBe('1');
  });
});
