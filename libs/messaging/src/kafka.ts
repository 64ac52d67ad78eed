import {
  Kafka,
  logLevel as KafkaLogLevel,
  type Admin,
  type ITopicConfig,
  type KafkaConfig,
  type logCreator,
} from 'kafkajs';
import { setTimeout } from 'node:timers/promises';
import type { KafkaSaslConfig } from '@ledger/config';

export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly clientId: string;
  /** SCRAM-SHA-512 unless the mechanism is none; absent, the client authenticates not at all. */
  readonly sasl?: KafkaSaslConfig;
  /** TLS (SASL_SSL): the brokers' certificates are checked against the system's CAs. */
  readonly ssl?: boolean;
}

/** The app is configured for SCRAM-SHA-512 but not given its principal. */
export class KafkaCredentialsMissing extends Error {
  override readonly name = 'KafkaCredentialsMissing';

  constructor() {
    super(
      'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD are required: the brokers take only ' +
        'SCRAM-SHA-512 clients (KAFKA_SASL_MECHANISM=none for a cluster without authentication)',
    );
  }
}

/** Where and how to connect: brokers, TLS and SASL, for every client the apps make. */
export function kafkaConnection(settings: KafkaSettings): Pick<KafkaConfig, 'brokers' | 'ssl' | 'sasl'> {
  const { sasl } = settings;
  const connection = { brokers: [...settings.brokers], ssl: settings.ssl ?? false };
  if (sasl === undefined || sasl.mechanism === 'none') return connection;
  if (sasl.username === undefined || sasl.password === undefined) throw new KafkaCredentialsMissing();
  return {
    ...connection,
    sasl: { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password },
  };
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
    ...kafkaConnection(settings),
    clientId: settings.clientId,
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
  await admin.createTopics({ topics: [config], waitForLeaders: false });
  await waitForLeaders(admin, settings.topic);
  await assertEventTopic(admin, settings);
}

/** Metadata errors a topic just created answers with until every broker knows it and its leaders. */
const NOT_YET_KNOWN = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/**
 * Waits until every partition of a topic has a leader. kafkajs's own wait (`waitForLeaders`)
 * gives up on the first "does not host this topic-partition", which a KRaft broker answers for a
 * moment after the creation it has just acknowledged.
 */
export async function waitForLeaders(admin: Admin, topic: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const metadata = await admin.fetchTopicMetadata({ topics: [topic] });
      const partitions = metadata.topics[0]?.partitions ?? [];
      if (partitions.length > 0 && partitions.every((partition) => partition.leader >= 0)) return;
    } catch (error) {
      if (!NOT_YET_KNOWN.has((error as { type?: string }).type ?? '') || Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline)
      throw new Error(`Topic ${topic} has no leader on every partition after ${timeoutMs} ms`);
    await setTimeout(100);
  }
}

/**
 * Checks, without creating anything, that the event topic exists with the configured partition
 * count. Publishers place records by murmur2(streamId) % partitions, so a different count would
 * split streams across partitions and break their order.
 */
export async function assertEventTopic(admin: Admin, settings: TopicSettings): Promise<void> {
  const topics = await admin.listTopics();
  if (!topics.includes(settings.topic)) {
    // The broker lists only the topics the principal may describe: an ACL that does not cover the
    // topic looks the same as no topic.
    throw new Error(
      `Topic ${settings.topic} does not exist, or this Kafka principal may not describe it; ` +
        'create it first (node scripts/topic.js), or grant the ACLs (node scripts/kafka-acls.js)',
    );
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
