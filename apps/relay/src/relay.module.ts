import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { LEDGER_CONFIG, LedgerConfigModule, type LedgerConfig } from '@ledger/config';
import { DatabaseModule } from '@ledger/database';
import { OperationsModule, loggerParams } from '@ledger/http';
import { MessagingModule } from '@ledger/messaging';
import { RelayMetrics } from './relay.metrics';
import { RelayService } from './relay.service';

@Module({
  imports: [
    LedgerConfigModule,
    LoggerModule.forRootAsync({
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => loggerParams(config, 'relay'),
    }),
    DatabaseModule,
    MessagingModule,
    OperationsModule,
  ],
  providers: [RelayMetrics, RelayService],
})
export class RelayModule {}
