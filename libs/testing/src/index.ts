export { createTestDatabase } from './test-database';
export type { TestDatabase } from './test-database';
export { databaseUrl, testBrokers, uniqueName } from './infrastructure';
export { eventually } from './eventually';
