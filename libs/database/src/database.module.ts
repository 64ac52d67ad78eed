import { Global, Inject, Logger, Module, type OnApplicationShutdown } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { Pool } from 'pg';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { PostgresHealthIndicator } from './postgres.health';
import { PG_POOL } from './tokens';

@Global()
@Module({
  imports: [TerminusModule],
  providers: [
    {
      provide: PG_POOL,
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => {
        const pool = new Pool({ connectionString: config.databaseUrl, max: 20, application_name: 'ledger' });
        // An idle connection that dies (server restart, network) must not crash the process;
        // the pool replaces it, and the next query reports any lasting problem.
        pool.on('error', (error) => new Logger('Postgres').warn(`idle connection lost: ${error.message}`));
        return pool;
      },
    },
    PostgresHealthIndicator,
  ],
  exports: [PG_POOL, PostgresHealthIndicator],
})
export class DatabaseModule implements OnApplicationShutdown {
  constructor(@Inject(PG_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}
