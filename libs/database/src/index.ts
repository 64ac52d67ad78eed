export { DatabaseModule } from './database.module';
export { PostgresHealthIndicator } from './postgres.health';
export { PG_POOL } from './tokens';
export { inTransaction } from './transaction';
