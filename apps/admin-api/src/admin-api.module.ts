import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { LEDGER_CONFIG, LedgerConfigModule, type LedgerConfig } from '@ledger/config';
import { DatabaseModule } from '@ledger/database';
import {
  AuthModule,
  OperationsModule,
  PostgresReadiness,
  ProblemDetailsFilter,
  READINESS_CHECKS,
  loggerParams,
  strictValidationPipe,
} from '@ledger/http';
import { AuditController } from './audit/audit.controller';
import { KeysController } from './keys/keys.controller';
import { AsyncApiController } from './ledger/asyncapi.controller';
import { CheckpointKeyController } from './ledger/checkpoint-key.controller';
import { adminApiProblems } from './problems';
import { ReadsModule } from './reads/reads.module';
import { UiModule } from './ui/ui.module';
import { WritesModule } from './writes/writes.module';

@Module({
  imports: [
    LedgerConfigModule,
    LoggerModule.forRootAsync({
      inject: [LEDGER_CONFIG],
      useFactory: (config: LedgerConfig) => loggerParams(config, 'admin-api'),
    }),
    CqrsModule.forRoot(),
    DatabaseModule,
    AuthModule,
    OperationsModule,
    WritesModule,
    ReadsModule,
    UiModule,
  ],
  controllers: [AsyncApiController, CheckpointKeyController, KeysController, AuditController],
  providers: [
    // Writes go to the journal and reads to the read models: Postgres is all it needs to serve.
    {
      provide: READINESS_CHECKS,
      inject: [PostgresReadiness],
      useFactory: (postgres: PostgresReadiness) => [postgres],
    },
    { provide: APP_PIPE, useFactory: strictValidationPipe },
    { provide: APP_FILTER, useFactory: () => new ProblemDetailsFilter(adminApiProblems) },
  ],
})
export class AdminApiModule {}
