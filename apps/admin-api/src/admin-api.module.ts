import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { LoggerModule } from 'nestjs-pino';
import { LEDGER_CONFIG, LedgerConfigModule, type LedgerConfig } from '@ledger/config';
import { DatabaseModule } from '@ledger/database';
import {
  AuthModule,
  OperationsModule,
  ProblemDetailsFilter,
  loggerParams,
  strictValidationPipe,
} from '@ledger/http';
import { MessagingModule } from '@ledger/messaging';
import { adminApiProblems } from './problems';
import { ReadsModule } from './reads/reads.module';
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
    MessagingModule,
    AuthModule,
    OperationsModule,
    WritesModule,
    ReadsModule,
  ],
  providers: [
    { provide: APP_PIPE, useFactory: strictValidationPipe },
    { provide: APP_FILTER, useFactory: () => new ProblemDetailsFilter(adminApiProblems) },
  ],
})
export class AdminApiModule {}
