import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request } from 'express';
import type { Params } from 'nestjs-pino';
import type { LedgerConfig } from '@ledger/config';

export const CORRELATION_HEADER = 'x-correlation-id';
const CORRELATION_PATTERN = /^[A-Za-z0-9._:-]{1,100}$/;
/** Probes and scrapes arrive every few seconds; logging each would drown the requests. */
const QUIET_PATHS = /^\/(health(\/(live|ready))?|metrics)(\?|$)/;

/** Accepts a well-formed caller correlation id, otherwise makes one; it lands on every event. */
export function correlationIdOf(request: IncomingMessage): string {
  const given = request.headers[CORRELATION_HEADER];
  return typeof given === 'string' && CORRELATION_PATTERN.test(given) ? given : randomUUID();
}

/** A path that matched no route is the caller's text: logged, but never at any length. */
const UNROUTED_PATH_MAX = 120;

/**
 * One compact line per request, written when it completes: method, the route it matched (not
 * the URL, so ids and query strings stay out), status, duration, the API key id and the
 * correlation id. No headers, no bodies.
 */
function requestLine(request: IncomingMessage, response: ServerResponse, durationMs: number) {
  const { baseUrl, originalUrl, caller } = request as Request & { caller?: { keyId: string } };
  const matched = (request as { route?: { path?: unknown } }).route?.path;
  // Unknown paths reach Nest's catch-all (`/{*path}`): that is no route worth naming.
  const routePath =
    typeof matched === 'string' && !matched.includes('{*') ? `${baseUrl}${matched}` : undefined;
  return {
    method: request.method,
    ...(routePath !== undefined
      ? { route: routePath }
      : { path: (originalUrl ?? request.url ?? '').split('?')[0].slice(0, UNROUTED_PATH_MAX) }),
    status: response.statusCode,
    ms: durationMs,
    ...(caller && { keyId: caller.keyId }),
  };
}

export function loggerParams(config: Pick<LedgerConfig, 'logLevel'>, app: string): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      name: app,
      base: { pid: process.pid },
      genReqId: (request, response) => {
        const id = correlationIdOf(request);
        response.setHeader(CORRELATION_HEADER, id);
        return id;
      },
      // Loggers bound to a request carry its correlation id only, not the serialised request.
      quietReqLogger: true,
      quietResLogger: true,
      customAttributeKeys: { reqId: 'correlationId' },
      customSuccessMessage: () => 'request',
      customErrorMessage: () => 'request failed',
      customSuccessObject: (request, response, outcome: { responseTime: number }) =>
        requestLine(request, response, outcome.responseTime),
      customErrorObject: (request, response, error, outcome: { responseTime: number }) => ({
        ...requestLine(request, response, outcome.responseTime),
        err: error,
      }),
      autoLogging: { ignore: (request) => QUIET_PATHS.test(request.url ?? '') },
    },
  };
}

/** The correlation id genReqId gave this request (always a string there). */
export function requestCorrelationId(request: IncomingMessage & { id?: unknown }): string {
  return typeof request.id === 'string' ? request.id : '';
}
