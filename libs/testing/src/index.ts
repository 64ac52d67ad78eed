export { createTestDatabase } from './test-database';
export type { TestDatabase } from './test-database';
export {
  TEST_KAFKA_ACL_ENV,
  TEST_KAFKA_NAMES,
  databaseUrl,
  freePort,
  roleUrl,
  testBrokers,
  testKafka,
  testKafkaEnv,
  testProjectorGroup,
  testTopic,
  uniqueName,
} from './infrastructure';
export type { DatabaseRole, KafkaPrincipal, TestKafkaConfig } from './infrastructure';
export { eventually } from './eventually';
