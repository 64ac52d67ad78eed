import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { NotifierModule } from './notifier.module';
import { notifierConfig } from './notifier.config';

/**
 * Serves the webhook API and delivers events until SIGTERM/SIGINT, then stops cleanly; logs as
 * the ledger's apps do (pino JSON lines, one compact line per request).
 */
async function main(): Promise<void> {
  const config = notifierConfig();
  const app = await NestFactory.create(NotifierModule, { bodyParser: true, bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  await app.listen(config.port, process.env.NOTIFIER_HOST ?? '127.0.0.1');
}

void main();
