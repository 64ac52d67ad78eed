import type { Server } from 'node:http';
import type { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { SwaggerModule } from '@nestjs/swagger';
import { json, type OptionsJson } from 'body-parser';
import type { Request } from 'express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { LEDGER_CONFIG, type LedgerConfig } from '@ledger/config';
import { bearerToken } from './auth/api-key.guard';
import { apiDocument, type ApiDocumentOptions } from './openapi/document';
import { Problem, validationProblem, type FieldError } from './problems/problem';

const JSON_TYPES = ['application/json', 'application/*+json'];
const WRITES = new Set(['POST', 'PUT', 'PATCH']);

/**
 * Runs before the JSON parser, so a write costs no body parse unless it could be served: every
 * write route needs an API key, so a write without a well-formed `Authorization: Bearer` header
 * is refused at once (the key itself is checked by the guard after parsing, against the
 * database), and so is a write whose body is not JSON.
 */
function refuseBeforeParsing(request: Request, _response: unknown, next: (error?: unknown) => void) {
  if (!WRITES.has(request.method)) return next();
  if (bearerToken(request) === undefined) {
    return next(new Problem(401, 'unauthenticated', 'Send an API key as "Authorization: Bearer <key>"'));
  }
  // request.is answers null for a request without a body, but counts `Content-Length: 0` (what
  // clients send with a bodiless POST) as one; neither is a body to refuse.
  if (request.headers['content-length'] !== '0' && request.is(JSON_TYPES) === false) {
    return next(
      new Problem(415, 'unsupported-media-type', 'Send the body as JSON (Content-Type: application/json)'),
    );
  }
  next();
}

/**
 * Security headers for a JSON API that also serves the Swagger UI at /docs: helmet's defaults
 * (its CSP allows the UI's own scripts and inline styles, nothing from elsewhere; no
 * X-Powered-By), without upgrade-insecure-requests, which would send the UI's scripts to https
 * on a plain-HTTP local port.
 */
const SECURITY_HEADERS = helmet({
  contentSecurityPolicy: { directives: { upgradeInsecureRequests: null } },
});

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

/** No request body of this API nests deeper; the checks after parsing recurse, so deeper is refused first. */
const MAX_BODY_DEPTH = 32;

/** Whether a parsed body nests deeper than `limit`, found without recursion. */
function nestedDeeperThan(body: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[body, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [value, depth] = next;
    if (value === null || typeof value !== 'object') continue;
    if (depth >= limit) return true;
    for (const item of Object.values(value)) pending.push([item, depth + 1]);
  }
  return false;
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
  if (nestedDeeperThan(request.body, MAX_BODY_DEPTH)) {
    return next(
      new Problem(400, 'body-too-deep', `The request body nests deeper than ${MAX_BODY_DEPTH} levels`),
    );
  }
  const fields = nulFields(request.body, '', []);
  next(fields.length > 0 ? validationProblem(fields) : undefined);
}

export interface HttpAppOptions extends ApiDocumentOptions {
  /** Routes whose bodies may be as large as HTTP_BATCH_BODY_LIMIT instead of HTTP_BODY_LIMIT. */
  readonly batchPaths?: readonly string[];
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
  const config = app.get<LedgerConfig>(LEDGER_CONFIG);
  app.use(SECURITY_HEADERS);
  app.use(refuseBeforeParsing);
  const parsing: OptionsJson = {
    // Bodies are JSON of bounded size: a compressed one is refused (415), so no inflating of untrusted data.
    inflate: false,
    type: ['application/json', 'application/*+json'],
    reviver: refusePrototypeKeys,
  };
  // A body parsed here is not parsed again by the parser below (body-parser skips a parsed request).
  for (const path of options.batchPaths ?? []) {
    app.use(path, json({ ...parsing, limit: config.http.batchBodyLimitBytes }));
  }
  app.useBodyParser('json', { ...parsing, limit: config.http.bodyLimitBytes });
  app.use(parseErrorsAsProblems);
  app.use(refuseNulCharacters);
  app.enableShutdownHooks();
  applyServerLimits(app.getHttpServer(), config);
  SwaggerModule.setup('docs', app, apiDocument(app, options));
  return app;
}

/**
 * Node's own limits on slow or idle clients. requestTimeout bounds receiving a request, not
 * answering it: a Server-Sent Events stream runs for hours once its request has arrived.
 */
function applyServerLimits(server: Server, config: LedgerConfig): void {
  server.headersTimeout = config.http.headersTimeoutMs;
  server.requestTimeout = config.http.requestTimeoutMs;
  server.keepAliveTimeout = config.http.keepAliveTimeoutMs;
  server.maxConnections = config.http.maxConnections;
}

/**
 * `api`: the admin API, on HTTP_HOST (all interfaces by default). `operations`: the relay's and
 * the projector's health and metrics, on OPS_HOST (127.0.0.1 by default): they serve no client.
 */
export async function listen(app: INestApplication, role: 'api' | 'operations'): Promise<void> {
  const config = app.get<LedgerConfig>(LEDGER_CONFIG);
  await app.listen(config.http.port, role === 'api' ? config.http.host : config.http.opsHost);
}
