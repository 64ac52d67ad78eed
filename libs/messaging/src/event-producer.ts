import {
  Partitioners,
  type Kafka,
  type Message,
  type PartitionMetadata,
  type Producer,
  type RecordMetadata,
} from 'kafkajs';

export interface OutgoingRecord {
  readonly key: string;
  /** Explicit partition (see partitionOf); absent = the murmur2 partitioner picks the same one. */
  readonly partition?: number;
  readonly value: Buffer | string;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The only way the ledger writes to Kafka: an idempotent producer with acks from all in-sync
 * replicas and one request in flight, so a retried send can neither duplicate nor reorder
 * records of a partition. The partitioner is the Java-compatible murmur2 one, so any client
 * maps a streamId to the same partition.
 */
export class EventProducer {
  private readonly producer: Producer;

  constructor(
    kafka: Kafka,
    private readonly topic: string,
  ) {
    this.producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      // The idempotent producer dedupes its own retries only within one session, so it keeps
      // retrying (kafkajs' idempotent default) rather than fail and be resent as a new record.
      retry: { retries: Number.MAX_SAFE_INTEGER, initialRetryTime: 100, maxRetryTime: 5_000 },
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  send(records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> {
    return this.producer.send({ topic: this.topic, acks: -1, messages: asMessages(records) });
  }
}

/** Records as kafkajs sends them. */
export function asMessages(records: readonly OutgoingRecord[]): Message[] {
  return records.map((record) => ({
    key: record.key,
    partition: record.partition,
    value: record.value,
    headers: { ...record.headers },
  }));
}

const murmur2 = Partitioners.DefaultPartitioner();

/**
 * The partition Kafka's default (Java-compatible murmur2) partitioner gives a key, so the relay
 * knows where each stream's records land without asking the broker.
 */
export function partitionOf(key: string, partitions: number): number {
  const partitionMetadata: PartitionMetadata[] = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    partitionErrorCode: 0,
    replicas: [0],
    isr: [0],
  }));
  return murmur2({ topic: '', partitionMetadata, message: { key, value: null } });
}
