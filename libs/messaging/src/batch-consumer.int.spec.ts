import { eventually, testBrokers, uniqueName } from '@ledger/testing';
import type { Kafka } from 'kafkajs';
import { BatchConsumer, type BatchVerdict, type ConsumedBatch } from './batch-consumer';
import { EventProducer } from './event-producer';
import { createKafka, ensureEventTopic } from './kafka';

describe('BatchConsumer on the real broker', () => {
  let kafka: Kafka;
  const topic = uniqueName('batch-consumer-');

  beforeAll(async () => {
    kafka = createKafka({ brokers: testBrokers(), clientId: 'batch-consumer-int' });
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureEventTopic(admin, { topic, partitions: 1 });
    } finally {
      await admin.disconnect();
    }
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

  async function committedOffset(groupId: string): Promise<string | undefined> {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
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
    expect(deliveries[1].records[0].offset).toBe('0');
    expect(deliveries[0].records[0]).toMatchObject({
      key: 'us-steel',
      headers: { ce_id: 'id-0' },
      partition: 0,
    });
    expect(deliveries[0].records[0].value?.toString()).toBe('record-0');
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
    const firstOffsets: string[] = [];
    try {
      await consumer.start({
        handleBatch: (batch): Promise<BatchVerdict> => {
          firstOffsets.push(batch.records[0].offset);
          return Promise.resolve(
            batch.records[0].offset === '0'
              ? { outcome: 'processed' }
              : { outcome: 'rewind', nextOffset: '0' },
          );
        },
      });
      await eventually(() => expect(firstOffsets).toContain('0'), { timeoutMs: 90_000 });
      await eventually(async () => expect(await committedOffset(groupId)).toBe('5'), { timeoutMs: 90_000 });
    } finally {
      await consumer.stop();
    }
    expect(firstOffsets[0]).toBe('3');
  });
});
