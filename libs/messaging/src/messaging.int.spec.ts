import { testKafka, uniqueName } from '@ledger/testing';
import type { Kafka } from 'kafkajs';
import { assertEventTopic, createKafka, ensureEventTopic } from './kafka';
import { EventProducer } from './event-producer';
import { readTopic } from './topic-reader';

describe('messaging on the real broker', () => {
  let kafka: Kafka;
  const topic = uniqueName('messaging-');

  beforeAll(async () => {
    kafka = createKafka(testKafka('admin', { clientId: 'messaging-int' }));
    const admin = kafka.admin();
    await admin.connect();
    try {
      await ensureEventTopic(admin, { topic, partitions: 3 });
    } finally {
      await admin.disconnect();
    }
  });

  it('creates the topic with the configured partitions, infinite retention and no compaction', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(metadata.topics[0].partitions).toHaveLength(3);
      const described = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: 2, name: topic, configNames: ['retention.ms', 'cleanup.policy'] }],
      });
      const entries = Object.fromEntries(
        described.resources[0].configEntries.map((entry) => [entry.configName, entry.configValue]),
      );
      expect(entries).toEqual({ 'retention.ms': '-1', 'cleanup.policy': 'delete' });
    } finally {
      await admin.disconnect();
    }
  });

  it('accepts an existing topic with the same partitions and refuses a different count', async () => {
    const admin = kafka.admin();
    await admin.connect();
    try {
      await expect(ensureEventTopic(admin, { topic, partitions: 3 })).resolves.toBeUndefined();
      await expect(ensureEventTopic(admin, { topic, partitions: 6 })).rejects.toThrow(
        /has 3 partitions, configured 6/,
      );
    } finally {
      await admin.disconnect();
    }
  });

  it('round-trips records with keys and headers, same key on one partition, in order', async () => {
    const producer = new EventProducer(kafka, topic);
    await producer.connect();
    try {
      const records = Array.from({ length: 30 }, (_, index) => ({
        key: `stream-${index % 3}`,
        value: JSON.stringify({ index }),
        headers: { ce_id: `id-${index}`, ce_specversion: '1.0' },
      }));
      for (const record of records) await producer.send([record]);
    } finally {
      await producer.disconnect();
    }

    const stored = await readTopic(kafka, topic);
    expect(stored).toHaveLength(30);
    for (const key of ['stream-0', 'stream-1', 'stream-2']) {
      const ofKey = stored.filter((record) => record.key === key);
      expect(new Set(ofKey.map((record) => record.partition)).size).toBe(1);
      const indices = ofKey.map(
        (record) => (JSON.parse(record.value!.toString()) as { index: number }).index,
      );
      expect(indices).toEqual([...indices].sort((a, b) => a - b));
      expect(indices).toHaveLength(10);
    }
    expect(stored[0].headers.ce_specversion).toBe('1.0');
  });

  it('checks an existing topic without creating one, and names a missing one', async () => {
    const admin = kafka.admin();
    const missing = uniqueName('missing-');
    await admin.connect();
    try {
      await expect(assertEventTopic(admin, { topic, partitions: 3 })).resolves.toBeUndefined();
      await expect(assertEventTopic(admin, { topic, partitions: 4 })).rejects.toThrow(/has 3 partitions/);
      await expect(assertEventTopic(admin, { topic: missing, partitions: 3 })).rejects.toThrow(
        `Topic ${missing} does not exist`,
      );
      expect(await admin.listTopics()).not.toContain(missing);
    } finally {
      await admin.disconnect();
    }
  });
});
