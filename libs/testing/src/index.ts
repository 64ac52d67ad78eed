export { createTestDatabase } from './test-database';
export type { TestDatabase } from './test-database';
export { databaseUrl, roleUrl, testBrokers, uniqueName, type DatabaseRole } from './infrastructure';
export { eventually } from './eventually';
