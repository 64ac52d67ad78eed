import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'pg';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { postgresClientConfig } from './client-config';
import { PG_POOL } from './tokens';

@Global()
@Module({
  providers: [
    {
      provide: PG_POOL,
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => {
        const pool = new Pool({ ...postgresClientConfig(config, 'ledger'), max: 20 });
        // A connection that dies (server restart, network) must not crash the process: idle,
        // the pool replaces it; checked out between two statements of a transaction, it emits
        // 'error' with no pool listener attached, and the statement that runs on it fails anyway.
        pool.on('error', (error) => new Logger('Postgres').warn(`idle connection lost: ${error.message}`));
        pool.on('connect', (client) => client.on('error', () => undefined));
        return pool;
      },
    },
  ],
  exports: [PG_POOL],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
