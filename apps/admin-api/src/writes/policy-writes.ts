import { createHash, randomBytes } from 'node:crypto';
import { type ExecutionContext, Injectable, type PipeTransform, createParamDecorator } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { Request, Response } from 'express';
import {
  canonicalJson,
  type RecordedEnvelope,
  type Citation,
  type PolicyStreamType,
} from '@ledger/contracts';
import type { CommandType } from '@ledger/domain';
import { type Caller, Problem, authenticatedCaller, requestCorrelationId } from '@ledger/http';
import type { CitedDto } from './common.dto';
import { SLUG } from '../request-validators';
import { toEventData } from './instants';
import { type CommandData, type CommandOf, RecordPolicyEvent } from './record-policy-event.command';

const IF_MATCH = /^(?:W\/)?"(\d{1,9})"$/;
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;

const ID_PREFIX: Record<PolicyStreamType, string> = {
  'tariff-measure': 'tariff',
  'export-control': 'control',
  licence: 'licence',
  agreement: 'agreement',
  'party-listing': 'parties',
};

/** A server-made stream id when the client names none, e.g. `tariff-0k3m9x2q7a1c`. */
export function newStreamId(streamType: PolicyStreamType): string {
  return `${ID_PREFIX[streamType]}-${BigInt(`0x${randomBytes(8).toString('hex')}`).toString(36)}`;
}

/** Path ids that cannot be slugs name no stream: 404, not 400. */
export class StreamIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!SLUG.test(value)) throw new Problem(404, 'stream-not-found', `No stream with id ${value}`);
    return value;
  }
}

/**
 * The body of a write of type `T`: its citation, on creation the id of the new stream, and the
 * payload of the event it asks for, field for field (instants as the strings they travel as).
 */
export type WriteBody<T extends CommandType> = CitedDto & { readonly id?: string } & CommandData[T];

/** Fields of a body beyond its write's: they would travel into the event, which has no such field. */
type FieldsBeyond<B, T extends CommandType> = { [K in Exclude<keyof B, keyof WriteBody<T>>]: never };

/** What a write endpoint hands on: the request (headers), the response (headers) and the caller. */
export interface WriteExchange {
  readonly request: Request;
  readonly response: Response;
  readonly caller: Caller;
}

export const Exchange = createParamDecorator((_: unknown, context: ExecutionContext): WriteExchange => {
  const http = context.switchToHttp();
  const request = http.getRequest<Request>();
  return { request, response: http.getResponse<Response>(), caller: authenticatedCaller(request) };
});

/**
 * The HTTP side of every write: preconditions (If-Match), idempotency (Idempotency-Key), the
 * command, and the answer: 201 with the event, Location, ETag and Consistency-Token.
 */
@Injectable()
export class PolicyWrites {
  constructor(private readonly commands: CommandBus) {}

  async record<T extends CommandType, B extends WriteBody<T>>(
    { request, response, caller }: WriteExchange,
    write: { type: T; streamId: string; body: B & FieldsBeyond<B, T> },
  ): Promise<RecordedEnvelope> {
    const { citation, id, ...fields } = write.body;

    const command: CommandOf<T> = {
      type: write.type,
      streamId: write.streamId,
      data: toEventData<CommandData[T]>(fields),
    };
    const outcome = await this.commands.execute(
      new RecordPolicyEvent(command, {
        caller,
        correlationId: requestCorrelationId(request),
        citation: toEventData<Citation>(citation),
        ifMatch: ifMatchOf(request),
        idempotency: idempotencyOf(request),
      }),
    );
    const last = outcome.events[outcome.events.length - 1];
    response
      .status(201)
      .setHeader('Location', `/v1/measures/${last.streamId}`)
      .setHeader('ETag', `"${last.streamVersion}"`)
      .setHeader('Consistency-Token', String(last.position));
    if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return last;
  }
}

export function ifMatchOf(request: Request): number | undefined {
  const header = request.headers['if-match'];
  if (header === undefined) return undefined;
  const match = IF_MATCH.exec(header);
  if (!match) {
    throw new Problem(400, 'if-match-malformed', 'If-Match must be the ETag of a stream version, e.g. "3"');
  }
  return Number(match[1]);
}

export function idempotencyOf(request: Request): { key: string; fingerprint: string } | undefined {
  const key = request.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY.test(key)) {
    throw new Problem(
      400,
      'idempotency-key-malformed',
      'Idempotency-Key must be 1–200 visible ASCII characters',
    );
  }
  const fingerprint = createHash('sha256')
    .update(canonicalJson({ method: request.method, path: request.path, body: request.body as unknown }))
    .digest('hex');
  return { key, fingerprint };
}
