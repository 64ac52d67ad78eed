import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { Problem, validationProblem, type FieldError } from './problems/problem';

export const BODY_LIMIT = '1mb';

/** Keys that could reach an object's prototype are refused while parsing, before any code sees them. */
function refusePrototypeKeys(key: string, value: unknown): unknown {
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') {
    throw new SyntaxError(`The key "${key}" is not accepted`);
  }
  return value;
}

/**
 * Nest turns the JSON parser's SyntaxError into a bare 400 before filters see it; this keeps
 * it a problem with its own code.
 */
function parseErrorsAsProblems(
  error: unknown,
  _request: unknown,
  _response: unknown,
  next: (error: unknown) => void,
) {
  const parseError = error as { type?: string; message?: string };
  next(
    parseError?.type === 'entity.parse.failed'
      ? new Problem(
          400,
          'malformed-json',
          `The request body is not valid JSON: ${parseError.message ?? ''}`.trim(),
        )
      : error,
  );
}

const NUL = 'must not contain the NUL character (\\u0000)';

/** Where NUL characters sit in a parsed body, as field paths like `items.0.description`. */
function nulFields(value: unknown, path: string, found: FieldError[]): FieldError[] {
  if (typeof value === 'string' && value.includes('\0')) found.push({ field: path, message: NUL });
  if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const visible = key.replaceAll('\0', '\\u0000');
      const field = path === '' ? visible : `${path}.${visible}`;
      if (key.includes('\0')) found.push({ field, message: `name ${NUL}` });
      nulFields(item, field, found);
    }
  }
  return found;
}

/**
 * Postgres cannot store NUL in text or jsonb, so a body holding one anywhere — in a value or
 * in a key — is refused here, naming each field, before any handler sees it.
 */
function refuseNulCharacters(
  request: { body?: unknown },
  _response: unknown,
  next: (error?: unknown) => void,
) {
  const fields = nulFields(request.body, '', []);
  next(fields.length > 0 ? validationProblem(fields) : undefined);
}

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
  app.useBodyParser('json', {
    limit: BODY_LIMIT,
    type: ['application/json', 'application/*+json'],
    reviver: refusePrototypeKeys,
  });
  app.use(parseErrorsAsProblems);
  app.use(refuseNulCharacters);
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
