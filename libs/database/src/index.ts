export { DatabaseModule } from './database.module';
export { postgresClientConfig } from './client-config';
export { databaseTrouble, isDatabaseUnavailable, type DatabaseTrouble } from './unavailable';
export { PG_POOL } from './tokens';
export { inTransaction } from './transaction';
