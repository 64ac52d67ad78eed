import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';

export const BODY_LIMIT = '1mb';

export interface HttpAppOptions {
  readonly title: string;
  readonly description: string;
}

/** Builds (without listening) an HTTP app with the ledger's common settings. */
export async function createHttpApp(
  module: Type<unknown>,
  options: HttpAppOptions,
): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(module, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.useBodyParser('json', { limit: BODY_LIMIT, type: ['application/json', 'application/*+json'] });
  app.enableShutdownHooks();
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.title)
      .setDescription(options.description)
      .setVersion('1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'API key' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document);
  return app;
}

export async function listen(app: INestApplication): Promise<void> {
  const config = app.get<LedgerConfig>(LEDGER_CONFIG);
  await app.listen(config.http.port, '0.0.0.0');
}
