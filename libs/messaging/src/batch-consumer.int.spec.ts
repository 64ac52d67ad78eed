import { eventually, testKafka, uniqueName } from '@ledger/testing';
import type { Kafka } from 'kafkajs';
import { BatchConsumer, type BatchVerdict, type ConsumedBatch, type ResumePoint } from './batch-consumer';
import { EventProducer } from './event-producer';
import { createKafka, ensureEventTopic } from './kafka';
import { produceTransactions } from './test-transactions';

describe('BatchConsumer on the real broker', () => {
  let kafka: Kafka;
  const topic = uniqueName('batch-consumer-');

  async function createTopic(name: string): Promise<void> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureEventTopic(admin, { topic: name, partitions: 1 });
    } finally {
      await admin.disconnect();
    }
  }

  beforeAll(async () => {
    kafka = createKafka(testKafka('admin', { clientId: 'batch-consumer-int' }));
    await createTopic(topic);
    const producer = new EventProducer(kafka, topic);
    await producer.connect();
    try {
      await producer.send(
        Array.from({ length: 5 }, (_, index) => ({
          key: 'us-steel',
          value: `record-${index}`,
          headers: { ce_id: `id-${index}` },
        })),
      );
    } finally {
      await producer.disconnect();
    }
  });

  async function committedOffset(groupId: string, of = topic): Promise<string | undefined> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [of] });
      return offsets.partitions.find((entry) => entry.partition === 0)?.offset;
    } finally {
      await admin.disconnect();
    }
  }

  it('commits to Kafka only after the handler succeeded, so a failed batch comes again', async () => {
    const groupId = uniqueName('group-');
    const consumer = new BatchConsumer(kafka, { groupId, topic });
    const deliveries: ConsumedBatch[] = [];
    try {
      await consumer.start({
        handleBatch: (batch): Promise<BatchVerdict> => {
          deliveries.push(batch);
          if (deliveries.length === 1) {
            return Promise.reject(new Error('database unavailable'));
          }
          return Promise.resolve({ outcome: 'processed' });
        },
      });
      await eventually(async () => expect(await committedOffset(groupId)).toBe('5'), { timeoutMs: 90_000 });
    } finally {
      await consumer.stop();
    }
    expect(deliveries[0].records.map((record) => record.offset)).toEqual(['0', '1', '2', '3', '4']);
    expect(deliveries[0]).toMatchObject({ fetchedOffset: '0', nextOffset: '5' });
    expect(deliveries[1].records[0].offset).toBe('0');
    expect(deliveries[0].records[0]).toMatchObject({
      key: 'us-steel',
      headers: { ce_id: 'id-0' },
      partition: 0,
    });
    expect(deliveries[0].records[0].value?.toString()).toBe('record-0');
  });

  it('rejoins, rather than stopping for good, when the group dropped it while it held a batch', async () => {
    const groupId = uniqueName('group-');
    const consumer = new BatchConsumer(kafka, { groupId, topic });
    const deliveries: string[] = [];
    const stopped: unknown[] = [];
    try {
      await consumer.start({
        handleBatch: async (batch): Promise<BatchVerdict> => {
          deliveries.push(batch.fetchedOffset);
          // Longer than the 10 s session, without a heartbeat: the group drops this member, and
          // the commit that follows is answered "the coordinator is not aware of this member".
          if (deliveries.length === 1) await new Promise((resolve) => setTimeout(resolve, 13_000));
          return { outcome: 'processed' };
        },
        onStopped: (error) => stopped.push(error),
      });
      await eventually(() => expect(deliveries.length).toBeGreaterThanOrEqual(2), { timeoutMs: 90_000 });
      await eventually(async () => expect(await committedOffset(groupId)).toBe('5'), { timeoutMs: 90_000 });
    } finally {
      await consumer.stop();
    }
    expect(stopped).toEqual([]);
    // Kafka's commit of the first batch was refused, so the rejoined member reads it again.
    expect(deliveries.slice(0, 2)).toEqual(['0', '0']);
  });

  it('re-reads from the offset the handler asks for when its store is behind Kafka', async () => {
    const groupId = uniqueName('group-');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '3' }] });
    } finally {
      await admin.disconnect();
    }
    const consumer = new BatchConsumer(kafka, { groupId, topic });
    const fetched: string[] = [];
    try {
      await consumer.start({
        handleBatch: (batch): Promise<BatchVerdict> => {
          fetched.push(batch.fetchedOffset);
          return Promise.resolve(
            batch.fetchedOffset === '0' ? { outcome: 'processed' } : { outcome: 'rewind', nextOffset: '0' },
          );
        },
      });
      await eventually(() => expect(fetched).toContain('0'), { timeoutMs: 90_000 });
      await eventually(async () => expect(await committedOffset(groupId)).toBe('5'), { timeoutMs: 90_000 });
    } finally {
      await consumer.stop();
    }
    expect(fetched[0]).toBe('3');
  });

  it('reports where it resumes each partition and where Kafka had committed', async () => {
    const groupId = uniqueName('group-');
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.setOffsets({ groupId, topic, partitions: [{ partition: 0, offset: '2' }] });
    } finally {
      await admin.disconnect();
    }
    const consumer = new BatchConsumer(kafka, { groupId, topic });
    const resumed: ResumePoint[] = [];
    try {
      await consumer.start({
        handleBatch: () => Promise.resolve({ outcome: 'processed' }),
        storedOffsets: () => Promise.resolve(new Map([[0, '4']])),
        onResumed: (points) => resumed.push(...points),
      });
      await eventually(() => expect(resumed).toEqual([{ partition: 0, stored: '4', committed: '2' }]), {
        timeoutMs: 90_000,
      });
    } finally {
      await consumer.stop();
    }
  });

  it('delivers committed transactions only, and keeps the chain of readings across a fetch of aborted records alone', async () => {
    const transactional = uniqueName('batch-consumer-tx-');
    await createTopic(transactional);
    const groupId = uniqueName('group-');
    const consumer = new BatchConsumer(kafka, { groupId, topic: transactional });
    const deliveries: ConsumedBatch[] = [];
    const record = (value: Buffer | string) => ({ key: 'us-steel', partition: 0, value, headers: {} });
    try {
      await consumer.start({
        handleBatch: (batch): Promise<BatchVerdict> => {
          deliveries.push(batch);
          return Promise.resolve({ outcome: 'processed' });
        },
      });
      await produceTransactions(kafka, transactional, [{ records: [record('kept-0')], outcome: 'commit' }]);
      await eventually(() => expect(deliveries).toHaveLength(1), { timeoutMs: 90_000 });

      // Three aborted transactions of 3 MiB each: more than one fetch of a partition (8 MiB)
      // holds, so a fetch returns nothing but aborted records and markers, and kafkajs hands it
      // to nobody. Offsets: 2, 4, 6 aborted records, 3, 5, 7 their markers, 8 kept-1, 9 its marker.
      const aborted = { records: [record(Buffer.alloc(3 * 1024 * 1024, 'x'))], outcome: 'abort' as const };
      await produceTransactions(kafka, transactional, [
        aborted,
        aborted,
        aborted,
        { records: [record('kept-1')], outcome: 'commit' },
      ]);
      await eventually(async () => expect(await committedOffset(groupId, transactional)).toBe('10'), {
        timeoutMs: 90_000,
      });
    } finally {
      await consumer.stop();
    }
    expect(deliveries.flatMap((batch) => batch.records.map((entry) => entry.value?.toString()))).toEqual([
      'kept-0',
      'kept-1',
    ]);
    expect(deliveries.map(({ fetchedOffset, nextOffset }) => ({ fetchedOffset, nextOffset }))).toEqual([
      { fetchedOffset: '0', nextOffset: '2' },
      { fetchedOffset: '2', nextOffset: '10' },
    ]);
  });
});
