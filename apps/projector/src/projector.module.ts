import { Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import { LEDGER_CONFIG, LedgerConfigModule, type LedgerConfig } from '@ledger/config';
import { DatabaseModule } from '@ledger/database';
import { OperationsModule, loggerParams } from '@ledger/http';
import { MessagingModule } from '@ledger/messaging';
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
  providers: [ProjectorMetrics, ProjectorStatus, ProjectorService, ProjectionReadiness],
})
export class ProjectorModule {}
