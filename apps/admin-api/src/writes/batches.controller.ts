import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiCreatedResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Citation } from '@ledger/contracts';
import {
  ApiProblems,
  Authorize,
  type FieldError,
  ROLE_SETS,
  fieldErrors,
  requestCorrelationId,
  validationProblem,
} from '@ledger/http';
import { BatchAnswerDto, BatchDto, COMMAND_BODIES, type BatchItemDto } from './batch.dto';
import { toEventData } from './instants';
import { Exchange, idempotencyOf, type WriteExchange } from './policy-writes';
import { type BatchItem, RecordPolicyBatch } from './record-policy-batch.command';
import type { CommandOf } from './record-policy-event.command';

@ApiTags('batches')
@Controller('v1/batches')
export class BatchesController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  // Every item needs what its single write route needs: each of those is Authorize(ROLE_SETS.write).
  @Authorize(ROLE_SETS.write)
  @HttpCode(201)
  @ApiOperation({
    summary: 'Record up to 1000 commands across streams, all or none',
    description:
      'Each item is a command with the body of its single write route, checked the same way and decided ' +
      'against its stream as the items before it leave it. Any refused item refuses the batch: nothing is ' +
      'recorded, and the problem names the item (`items.<index>` in its field errors). expectedVersion is ' +
      'the If-Match of an item. With Idempotency-Key, a retry with the same key and body answers the first ' +
      'answer again (Idempotent-Replayed: true).',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'A retry with the same key and body returns the first answer',
  })
  @ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Recorded on every event' })
  @ApiCreatedResponse({
    type: BatchAnswerDto,
    description: 'The recorded events, in item order',
    headers: {
      'Consistency-Token': {
        description:
          "The last event's position. Like a single write's, it vouches for its own event only (partitions are projected independently): to read another stream of the batch, send that stream's last position from `events`",
        schema: { type: 'string' },
      },
      'Idempotent-Replayed': {
        description: '`true` when the answer is that of an earlier request with the same Idempotency-Key',
        schema: { type: 'string' },
      },
    },
  })
  @ApiProblems({
    400: 'Malformed or invalid items, more than 1000 items, or an event breaking the event schema (field errors name the item)',
    404: 'An item names an unknown stream',
    409: "A business rule forbids an item, or an item's stream kept changing under the batch",
    412: "An item's expectedVersion is stale (ETag: the stream's current version)",
    413: 'Body larger than HTTP_BATCH_BODY_LIMIT',
    415: 'The body is not JSON',
    422: 'Idempotency-Key reused with a different body',
  })
  async append(
    @Body() body: BatchDto,
    @Exchange() { request, response, caller }: WriteExchange,
  ): Promise<BatchAnswerDto> {
    const items = batchItems(body.items);
    const outcome = await this.commands.execute(
      new RecordPolicyBatch(items, {
        caller,
        correlationId: requestCorrelationId(request),
        idempotency: idempotencyOf(request),
      }),
    );
    response.setHeader('Consistency-Token', String(outcome.events[outcome.events.length - 1].position));
    if (outcome.replayed) response.setHeader('Idempotent-Replayed', 'true');
    return {
      events: outcome.events.map(({ streamId, streamVersion, position, id }) => ({
        streamId,
        streamVersion,
        position,
        eventId: id,
      })),
    };
  }
}

/** Each item's body checked with its single route's DTO; 400 naming every bad field of every item. */
function batchItems(items: readonly BatchItemDto[]): BatchItem[] {
  // Synchronously: every body validator is synchronous, and a thousand promises cost more than the checks.
  const checked = items.map((item, index) => {
    const body = plainToInstance(COMMAND_BODIES[item.command], item.body) as {
      citation: object;
      id?: string;
    };
    const problems = validateSync(body, {
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
    });
    const errors: FieldError[] = fieldErrors(problems, `items.${index}.body`);
    if (body.id !== undefined && body.id !== item.streamId) {
      errors.push({ field: `items.${index}.body.id`, message: 'id must be the same as the item streamId' });
    }
    return { item, body, errors };
  });
  const errors = checked.flatMap((checkedItem) => checkedItem.errors);
  if (errors.length > 0) throw validationProblem(errors);
  return checked.map(({ item, body: { citation, id, ...fields } }) => ({
    command: {
      type: item.command,
      streamId: item.streamId,
      data: toEventData(fields),
    } as CommandOf,
    citation: toEventData<Citation>(citation),
    ifMatch: item.expectedVersion,
  }));
}
