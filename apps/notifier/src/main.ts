import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NotifierModule } from './notifier.module';
import { notifierConfig } from './notifier.config';

/** Serves the webhook API and delivers events until SIGTERM/SIGINT, then stops cleanly. */
async function main(): Promise<void> {
  const config = notifierConfig();
  const app = await NestFactory.create(NotifierModule, { bodyParser: true });
  app.enableShutdownHooks();
  await app.listen(config.port, process.env.NOTIFIER_HOST ?? '127.0.0.1');
}

void main();
