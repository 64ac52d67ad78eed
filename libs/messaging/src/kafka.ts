import { Kafka, logLevel as KafkaLogLevel, type Admin, type ITopicConfig, type logCreator } from 'kafkajs';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
}

export interface TopicSettings {
  readonly topic: string;
  readonly partitions: number;
}

/**
 * kafkajs warns that limiting an idempotent producer's retries "may invalidate EoS guarantees".
 * Not for the relay's producer: it is transactional, and a send that runs out of retries aborts
 * its transaction, which is made again — nothing of the aborted one is ever read. The warning
 * would only teach operators to ignore warnings.
 */
const SAFE_WARNING = 'Limiting retries for the idempotent producer may invalidate EoS guarantees';

/** kafkajs' own console format (one JSON line per entry), without the warning above. */
const kafkaLog: logCreator =
  () =>
  ({ namespace, level, label, log }) => {
    if (log.message === SAFE_WARNING) return;
    const line = JSON.stringify({
      level: label,
      ...log,
      message: `${namespace ? `[${namespace}] ` : ''}${log.message}`,
    });
    if (level === KafkaLogLevel.ERROR) console.error(line);
    else if (level === KafkaLogLevel.WARN) console.warn(line);
    else console.info(line);
  };

export function createKafka(settings: KafkaSettings): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: [...settings.brokers],
    logLevel: KafkaLogLevel.WARN,
    logCreator: kafkaLog,
    retry: { initialRetryTime: 100, retries: 8 },
  });
}

/**
 * Creates the event topic with a fixed partition count, infinite retention and no compaction.
 * An existing topic is accepted only with the same partition count: changing it would move
 * keys between partitions and break per-stream order.
 */
export async function ensureEventTopic(admin: Admin, settings: TopicSettings): Promise<void> {
  const config: ITopicConfig = {
    topic: settings.topic,
    numPartitions: settings.partitions,
    replicationFactor: -1,
    configEntries: [
      { name: 'cleanup.policy', value: 'delete' },
      { name: 'retention.ms', value: '-1' },
      { name: 'retention.bytes', value: '-1' },
      // Room for the largest event the API accepts (1 MiB body) plus its envelope.
      { name: 'max.message.bytes', value: String(8 * 1024 * 1024) },
    ],
  };
  await admin.createTopics({ topics: [config], waitForLeaders: true });
  await assertEventTopic(admin, settings);
}

/**
 * Checks, without creating anything, that the event topic exists with the configured partition
 * count. Publishers place records by murmur2(streamId) % partitions, so a different count would
 * split streams across partitions and break their order.
 */
export async function assertEventTopic(admin: Admin, settings: TopicSettings): Promise<void> {
  const topics = await admin.listTopics();
  if (!topics.includes(settings.topic)) {
    throw new Error(`Topic ${settings.topic} does not exist; create it first (node scripts/topic.js)`);
  }
  const metadata = await admin.fetchTopicMetadata({ topics: [settings.topic] });
  const actual = metadata.topics[0]?.partitions.length ?? 0;
  if (actual !== settings.partitions) {
    throw new Error(
      `Topic ${settings.topic} has ${actual} partitions, configured ${settings.partitions}; ` +
        'partitions are fixed at creation, so use the existing count or a new topic',
    );
  }
}
