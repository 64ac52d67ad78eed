import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { LEDGER_CONFIG, LedgerConfigModule, type LedgerConfig } from '@ledger/config';
import { DatabaseModule } from '@ledger/database';
import { OperationsModule, PostgresReadiness, READINESS_CHECKS, loggerParams } from '@ledger/http';
import { KafkaReadiness, MessagingModule } from '@ledger/messaging';
import { ProjectionReadiness } from './projection.readiness';
import { ProjectorMetrics } from './projector.metrics';
import { ProjectorService } from './projector.service';
import { ProjectorStatus } from './projector.status';

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
      inject: [PostgresReadiness, KafkaReadiness, ProjectionReadiness],
      useFactory: (postgres: PostgresReadiness, kafka: KafkaReadiness, projection: ProjectionReadiness) => [
        postgres,
        kafka,
        projection,
      ],
    },
    ProjectorMetrics,
    ProjectorStatus,
    ProjectorService,
    ProjectionReadiness,
  ],
})
export class ProjectorModule {}
