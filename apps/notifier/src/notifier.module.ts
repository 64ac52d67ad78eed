import { Module, type OnApplicationShutdown, Inject } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_PIPE } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { Pool } from 'pg';
import { ProblemDetailsFilter, loggerParams, strictValidationPipe } from '@ledger/http';
import { createKafka } from '@ledger/messaging';
import { NotifierApiKeyGuard } from './api-key.guard';
import { DeliveryWorker } from './delivery-worker';
import { NOTIFIER_CONFIG, notifierConfig, type NotifierConfig } from './notifier.config';
import { NotifierSubscription } from './notifier-subscription';
import { OperationsController } from './operations.controller';
import { NOTIFIER_KAFKA, NOTIFIER_POOL } from './tokens';
import { WebhooksController } from './webhooks.controller';

class PoolCloser implements OnApplicationShutdown {
  constructor(@Inject(NOTIFIER_POOL) private readonly pool: Pool) {}

  async onApplicationShutdown(): Promise<void> {
    await this.pool.end();
  }
}

@Module({
  imports: [LoggerModule.forRootAsync({ useFactory: () => loggerParams(notifierConfig(), 'notifier') })],
  controllers: [WebhooksController, OperationsController],
  providers: [
    { provide: NOTIFIER_CONFIG, useFactory: () => notifierConfig() },
    {
      provide: NOTIFIER_POOL,
      inject: [NOTIFIER_CONFIG],
      useFactory: (config: NotifierConfig) => {
        const pool = new Pool({ connectionString: config.databaseUrl, max: 10 });
        pool.on('error', () => undefined);
        return pool;
      },
    },
    {
      provide: NOTIFIER_KAFKA,
      inject: [NOTIFIER_CONFIG],
      useFactory: (config: NotifierConfig) => createKafka(config.kafka),
    },
    { provide: APP_GUARD, useClass: NotifierApiKeyGuard },
    { provide: APP_PIPE, useFactory: () => strictValidationPipe() },
    { provide: APP_FILTER, useFactory: () => new ProblemDetailsFilter() },
    NotifierSubscription,
    DeliveryWorker,
    PoolCloser,
  ],
})
export class NotifierModule {}
