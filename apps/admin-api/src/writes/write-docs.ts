import { applyDecorators, HttpCode } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOperation,
  ApiPayloadTooLargeResponse,
  ApiPreconditionFailedResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Authorize, ROLE_SETS } from '@ledger/http';

/** What every write endpoint shares: admin key, 201, the precondition and idempotency headers, errors. */
export function PolicyWrite(summary: string) {
  return applyDecorators(
    Authorize(ROLE_SETS.write),
    HttpCode(201),
    ApiOperation({ summary }),
    ApiHeader({
      name: 'If-Match',
      required: false,
      description: 'ETag of the stream version the write is based on, e.g. "3"',
    }),
    ApiHeader({
      name: 'Idempotency-Key',
      required: false,
      description: 'A retry with the same key and body returns the first answer',
    }),
    ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Recorded on the event' }),
    ApiCreatedResponse({ description: 'The event, with Location, ETag and Consistency-Token headers' }),
    ApiBadRequestResponse({ description: 'Malformed or invalid input (problem+json with field errors)' }),
    ApiNotFoundResponse({ description: 'Unknown stream' }),
    ApiConflictResponse({ description: 'A business rule forbids this write' }),
    ApiPreconditionFailedResponse({ description: 'If-Match names a stale version' }),
    ApiPayloadTooLargeResponse({ description: 'Body over 1 MiB' }),
    ApiUnprocessableEntityResponse({ description: 'Idempotency-Key reused with a different body' }),
  );
}
