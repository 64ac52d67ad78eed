import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { LEDGER_CONFIG, LedgerConfigModule, type LedgerConfig } from '@ledger/config';
import { DatabaseModule } from '@ledger/database';
import { OperationsModule, PostgresReadiness, READINESS_CHECKS, loggerParams } from '@ledger/http';
import { KafkaReadiness, MessagingModule } from '@ledger/messaging';
import { RelayMetrics } from './relay.metrics';
import { RelayReadiness } from './relay.readiness';
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
  providers: [
    {
      provide: READINESS_CHECKS,
      inject: [PostgresReadiness, KafkaReadiness, RelayReadiness],
      useFactory: (postgres: PostgresReadiness, kafka: KafkaReadiness, relay: RelayReadiness) => [
        postgres,
        kafka,
        relay,
      ],
    },
    RelayMetrics,
    RelayService,
    RelayReadiness,
  ],
})
export class RelayModule {}
