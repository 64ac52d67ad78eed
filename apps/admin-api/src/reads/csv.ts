import {
  applyDecorators,
  UseInterceptors,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
  type Type,
} from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiProduces, getSchemaPath } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import type { Request, Response } from 'express';
import { map, type Observable } from 'rxjs';
import type { Citation, ControlledItem } from '@ledger/contracts';
import { ApiProblems, Problem } from '@ledger/http';

/** The media types every list of the read side is served as; JSON when the client has no preference. */
export const LIST_MEDIA_TYPES = ['application/json', 'text/csv'] as const;

/** A list as a table: one header row of `columns`, then one row per record. */
export interface CsvTable<Body> {
  readonly columns: readonly string[];
  rows(body: Body): readonly (readonly unknown[])[];
  /** The `after` cursor of the next page, when the list is paged. */
  next?(body: Body): string | number | null;
}

/**
 * RFC 4180: CRLF line ends, fields quoted when they hold a comma, a quote or a line end; null is
 * empty. Text starting with = + - @ (or a tab or CR) gets a leading ' so that a spreadsheet shows
 * it instead of running it as a formula: titles and reasons are free text from writers.
 */
export function toCsv(columns: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return stringify([[...columns], ...rows.map((row) => [...row])], {
    record_delimiter: 'windows',
    escape_formulas: true,
    cast: { boolean: (value) => String(value) },
  });
}

/**
 * Serves a list as JSON or, when the Accept header prefers it, as CSV; 406 when the client
 * accepts neither. A paged list's next page is announced in a `Link: <…>; rel="next"` header.
 */
class ListNegotiation<Body> implements NestInterceptor<Body, Body | string> {
  constructor(private readonly table: CsvTable<Body>) {}

  intercept(context: ExecutionContext, next: CallHandler<Body>): Observable<Body | string> {
    const request = context.switchToHttp().getRequest<Request>();
    const response = context.switchToHttp().getResponse<Response>();
    const type = request.accepts([...LIST_MEDIA_TYPES]);
    if (type === false) {
      throw new Problem(406, 'not-acceptable', `This list is served as ${LIST_MEDIA_TYPES.join(' or ')}`);
    }
    response.vary('Accept');
    if (type !== 'text/csv') return next.handle();
    return next.handle().pipe(
      map((body) => {
        const after = this.table.next?.(body) ?? null;
        if (after !== null) {
          const url = new URL(request.originalUrl, 'http://ledger');
          url.searchParams.set('after', String(after));
          response.setHeader('Link', `<${url.pathname}${url.search}>; rel="next"`);
        }
        response.type('text/csv; charset=utf-8; header=present');
        return toCsv(this.table.columns, this.table.rows(body));
      }),
    );
  }
}

/** Declares (OpenAPI) and serves both media types of a list endpoint. */
export function ServedAsJsonOrCsv<Body>(
  table: CsvTable<Body>,
  json: Type<unknown>,
  description = 'the list',
): MethodDecorator {
  return applyDecorators(
    ApiProduces(...LIST_MEDIA_TYPES),
    ApiExtraModels(json),
    ApiOkResponse({
      description: `${description}; as CSV (RFC 4180, header row) with Accept: text/csv`,
      content: {
        'application/json': { schema: { $ref: getSchemaPath(json) } },
        'text/csv': { schema: { type: 'string' }, example: `${table.columns.join(',')}\r\n` },
      },
    }),
    ApiProblems({ 406: 'Accept names neither application/json nor text/csv' }),
    UseInterceptors(new ListNegotiation(table)),
  );
}

/** Citation columns: reference, url. */
export function citationCells(citation: Citation | null | undefined): [string | null, string | null] {
  return [citation?.reference ?? null, citation?.url ?? null];
}

/** An item as one cell: its identifiers, space-separated. */
export function itemCell(item: ControlledItem): string {
  return [item.element, item.controlCode, item.hsCode].filter((part) => part !== undefined).join(' ');
}
