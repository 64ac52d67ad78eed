import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
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

export function loggerParams(config: LedgerConfig, app: string): Params {
  return {
    pinoHttp: {
      level: config.logLevel,
      name: app,
      genReqId: (request, response) => {
        const id = correlationIdOf(request);
        response.setHeader(CORRELATION_HEADER, id);
        return id;
      },
      customProps: (request) => ({ correlationId: request.id }),
      redact: ['req.headers.authorization'],
      autoLogging: { ignore: (request) => QUIET_PATHS.test(request.url ?? '') },
    },
  };
}

/** The correlation id genReqId gave this request (always a string there). */
export function requestCorrelationId(request: IncomingMessage & { id?: unknown }): string {
  return typeof request.id === 'string' ? request.id : '';
}
