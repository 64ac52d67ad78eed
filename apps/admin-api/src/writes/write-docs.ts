import { applyDecorators, HttpCode } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOperation } from '@nestjs/swagger';
import { ApiProblems, Authorize, ROLE_SETS } from '@ledger/http';
import { RecordedEnvelopeDto } from '../responses/contract.dto';

const WRITE_DESCRIPTION =
  "Records one event, checked against the stream's rules and the published event schema. " +
  'With If-Match, the write applies only if the stream is still at that version (else 412 with the current ETag). ' +
  'With Idempotency-Key, a retry with the same key and body answers the first answer again (Idempotent-Replayed: true). ' +
  'The answer is the recorded event; Consistency-Token, sent back on a read, makes the read wait for this write.';

/** What every write endpoint shares: admin key, 201, the precondition and idempotency headers, errors. */
export function PolicyWrite(summary: string) {
  return applyDecorators(
    Authorize(ROLE_SETS.write),
    HttpCode(201),
    ApiOperation({ summary, description: WRITE_DESCRIPTION }),
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
    ApiCreatedResponse({
      type: RecordedEnvelopeDto,
      description: 'The recorded event',
      headers: {
        Location: { description: 'The stream: /v1/measures/{streamId}', schema: { type: 'string' } },
        ETag: { description: 'The stream version after the write, e.g. "4"', schema: { type: 'string' } },
        'Consistency-Token': {
          description: 'The event position: send it on a read to read this write',
          schema: { type: 'string' },
        },
        'Idempotent-Replayed': {
          description: '`true` when the answer is that of an earlier request with the same Idempotency-Key',
          schema: { type: 'string' },
        },
      },
    }),
    ApiProblems({
      400: 'Malformed or invalid input, or an event breaking the event schema (problem+json with field errors)',
      404: 'Unknown stream',
      409: 'A business rule forbids this write, or the stream kept changing under it',
      412: 'If-Match names a stale version (ETag: the current one)',
      413: 'Body larger than HTTP_BODY_LIMIT',
      415: 'The body is not JSON',
      422: 'Idempotency-Key reused with a different body',
    }),
  );
}
