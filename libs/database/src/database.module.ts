import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
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
      useFactory: (config: LedgerConfig) =>
        new Pool({ connectionString: config.databaseUrl, max: 20, application_name: 'ledger' }),
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
