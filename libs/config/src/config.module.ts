import { Global, Module } from '@nestjs/common';
import { LEDGER_CONFIG } from './tokens';
import { loadConfig } from './ledger-config';

/** Validates the environment once, at start-up; everything else injects LEDGER_CONFIG. */
@Global()
@Module({
  providers: [{ provide: LEDGER_CONFIG, useFactory: () => loadConfig() }],
  exports: [LEDGER_CONFIG],
})
export class LedgerConfigModule {}
