import { Partitioners, type Kafka, type Producer, type RecordMetadata } from 'kafkajs';

export interface OutgoingRecord {
  readonly key: string;
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
    });
  }

  connect(): Promise<void> {
    return this.producer.connect();
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }

  send(records: readonly OutgoingRecord[]): Promise<RecordMetadata[]> {
    return this.producer.send({
      topic: this.topic,
      acks: -1,
      messages: records.map((record) => ({
        key: record.key,
        value: record.value,
        headers: { ...record.headers },
      })),
    });
  }
}
