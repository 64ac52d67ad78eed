export { createKafka, ensureEventTopic } from './kafka';
export type { KafkaSettings, TopicSettings } from './kafka';
export { EventProducer, partitionOf } from './event-producer';
export type { OutgoingRecord } from './event-producer';
export { readPartitionTails, readTopic } from './topic-reader';
export type { StoredRecord } from './topic-reader';
export { MessagingModule } from './messaging.module';
export { KafkaHealthIndicator } from './kafka.health';
export { KAFKA, KAFKA_ADMIN } from './tokens';
