import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { ApiKeyGuard } from '../auth/api-key.guard';
import { LedgerThrottlerGuard, throttlerOptions } from './throttling';

/**
 * The guards every HTTP app runs on every route, in this order: the rate limits first (so a
 * flood of made-up keys costs no key lookups), then deny-by-default authorisation.
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => throttlerOptions(config),
    }),
  ],
  providers: [
    { provide: APP_GUARD, useClass: LedgerThrottlerGuard },
    { provide: APP_GUARD, useClass: ApiKeyGuard },
  ],
})
export class HttpEdgeModule {}
