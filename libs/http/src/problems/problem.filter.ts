import { randomUUID } from 'node:crypto';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { isDatabaseUnavailable } from '@ledger/database';
import { requestCorrelationId } from '../logging';
import { Problem } from './problem';

/** Maps an application's own errors (domain rules, concurrency) to problems; undefined = not mine. */
export type ProblemMapper = (error: unknown) => Problem | undefined;

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  412: 'Precondition Failed',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const HTTP_CODES: Record<number, string> = {
  400: 'bad-request',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not-found',
  405: 'method-not-allowed',
  413: 'payload-too-large',
  415: 'unsupported-media-type',
};

interface BodyParserError {
  type?: string;
  status?: number;
  message?: string;
  limit?: number;
  /** Set by body-parser and http-errors on an error about the request, safe to show the client. */
  expose?: boolean;
}

/** How long a client should wait before retrying a request the database could not serve. */
const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * The one place errors become HTTP answers: RFC 7807 `application/problem+json` with a stable
 * `code`. A database that is down, restarting or too busy is a 503 with Retry-After on every
 * endpoint (guards included), never a 500 or 401. Unknown errors become a 500 with a logged
 * error id and no internals in the body.
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  constructor(private readonly mapApplicationError: ProblemMapper = () => undefined) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const context = host.switchToHttp();
    const request = context.getRequest<Request>();
    const response = context.getResponse<Response>();
    const problem = this.toProblem(error);
    for (const [name, value] of Object.entries(problem.headers)) response.setHeader(name, value);
    response
      .status(problem.status)
      .type('application/problem+json')
      .json({
        type: `/problems/${problem.code}`,
        title: TITLES[problem.status] ?? 'Error',
        status: problem.status,
        code: problem.code,
        detail: problem.detail,
        instance: request.originalUrl,
        correlationId: requestCorrelationId(request),
        ...(problem.errors ? { errors: problem.errors } : {}),
      });
  }

  private toProblem(error: unknown): Problem {
    if (error instanceof Problem) return error;
    const mapped = this.mapApplicationError(error);
    if (mapped) return mapped;
    if (isDatabaseUnavailable(error)) {
      this.logger.warn({ err: error }, 'database unavailable');
      return new Problem(
        503,
        'database-unavailable',
        'The database is unavailable or too busy; retry shortly (a write retried with the same Idempotency-Key is never applied twice)',
        undefined,
        { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
      );
    }
    const parserError = error as BodyParserError;
    if (parserError?.type === 'entity.too.large') {
      return new Problem(
        413,
        'payload-too-large',
        `The request body is larger than ${parserError.limit ?? 'the limit of'} bytes, the limit of this route`,
      );
    }
    if (parserError?.type === 'encoding.unsupported' || parserError?.type === 'charset.unsupported') {
      return new Problem(415, 'unsupported-media-type', parserError.message ?? 'Unsupported encoding');
    }
    if (parserError?.expose === true && typeof parserError.status === 'number' && parserError.status < 500) {
      const status = parserError.status;
      return new Problem(
        status,
        HTTP_CODES[status] ?? `http-${status}`,
        parserError.message ?? 'Bad request',
      );
    }
    if (error instanceof HttpException) {
      const status = error.getStatus();
      if (status < 500) {
        return new Problem(status, HTTP_CODES[status] ?? `http-${status}`, error.message);
      }
    }
    const errorId = randomUUID();
    this.logger.error({ errorId, err: error }, 'unhandled error');
    return new Problem(500, 'internal-error', `Unexpected error; reference ${errorId}`);
  }
}
