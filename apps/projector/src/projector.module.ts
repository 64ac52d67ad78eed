import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { LEDGER_CONFIG, LedgerConfigModule, type LedgerConfig } from '@ledger/config';
import { DatabaseModule } from '@ledger/database';
import { OperationsModule, PostgresReadiness, READINESS_CHECKS, loggerParams } from '@ledger/http';
import { KafkaReadiness, MessagingModule } from '@ledger/messaging';
import { ProjectorMetrics } from './projector.metrics';
import { ProjectorService } from './projector.service';

@Module({
  imports: [
    LedgerConfigModule,
    LoggerModule.forRootAsync({
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => loggerParams(config, 'projector'),
    }),
    DatabaseModule,
    MessagingModule,
    OperationsModule,
  ],
  providers: [
    {
      provide: READINESS_CHECKS,
      inject: [PostgresReadiness, KafkaReadiness],
      useFactory: (postgres: PostgresReadiness, kafka: KafkaReadiness) => [postgres, kafka],
    },
    ProjectorMetrics,
    ProjectorService,
  ],
})
export class ProjectorModule {}
