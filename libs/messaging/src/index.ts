export { assertEventTopic, createKafka, ensureEventTopic, KafkaCredentialsMissing } from './kafka';
export type { KafkaSettings, TopicSettings } from './kafka';
export { EventProducer, partitionOf } from './event-producer';
export type { OutgoingRecord } from './event-producer';
export {
  readFirstRecords,
  readLastRecords,
  readTopic,
  readTopicRanges,
  topicWatermarks,
} from './topic-reader';
export type { Watermarks } from './topic-reader';
export type { StoredRecord } from './stored-record';
export { NO_GENESIS, TopicInstances, genesisInstance, resolveInstance } from './topic-instance';
export type { InstanceResolution } from './topic-instance';
export { MessagingModule } from './messaging.module';
export { KafkaReadiness } from './kafka.health';
export { KAFKA, KAFKA_ADMIN } from './tokens';
export { BatchConsumer, heartbeatingWhile, pauseHeartbeating, retryPauseMs } from './batch-consumer';
export type {
  BatchConsumerSettings,
  BatchControl,
  BatchHandlers,
  BatchVerdict,
  ConsumedBatch,
  ResumePoint,
} from './batch-consumer';
export { produceTransactions, type TestTransaction } from './test-transactions';
export type { Admin, Kafka } from 'kafkajs';
export { consumeEachMessage, type MessageConsumerSettings } from './message-consumer';
export { ProducerFenced, TransactionalProducer } from './transactional-producer';
export type { PlacedRecord, WrittenOffsets } from './transactional-producer';
