import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';
import type { Pool } from 'pg';
import { verifyStreamChain, type RecordedEnvelope } from '@ledger/contracts';
import { PG_POOL } from '@ledger/database';
import { ApiKeys, ApiProblems, Authorize, Problem, ROLE_SETS } from '@ledger/http';
import { Journal } from '@ledger/journal';
import { pageDeadLetters, type DeadLetter } from '@ledger/projection';
import { KeyView, keyView } from '../keys/key.dto';
import { RecordedEnvelopeDto } from '../responses/contract.dto';
import { StreamIdPipe } from '../writes/policy-writes';

export class DeadLetterPageQueryDto {
  @ApiPropertyOptional({ description: 'the last id of the previous page (default: from the first)' })
  @IsOptional()
  @Matches(/^\d{1,18}$/, { message: 'after must be a dead-letter id' })
  after?: string;

  @ApiPropertyOptional({ default: 100, minimum: 1, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @Max(500)
  @Min(1)
  @IsInt({ message: 'limit must be an integer' })
  limit?: number;

  @ApiPropertyOptional({ default: false, description: 'also the letters already resolved' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'includeResolved must be true or false' })
  includeResolved?: boolean;
}

export class AuditedKeysView {
  @ApiProperty({ type: [KeyView] }) readonly keys!: KeyView[];
  @ApiProperty({
    type: [RecordedEnvelopeDto],
    description: 'the ApiKey* events of the ledger-api-keys stream, oldest first',
  })
  readonly events!: RecordedEnvelope[];
}

export class DeadLetterView {
  @ApiProperty() readonly id!: string;
  @ApiProperty() readonly kind!: string;
  @ApiProperty() readonly reason!: string;
  @ApiProperty() readonly topic!: string;
  @ApiProperty() readonly partition!: number;
  @ApiProperty() readonly offset!: string;
  @ApiProperty({ type: String, nullable: true }) readonly topicInstance!: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly streamId!: string | null;
  @ApiProperty({ type: Number, nullable: true }) readonly streamVersion!: number | null;
  @ApiProperty() readonly createdAt!: string;
  @ApiProperty({ type: String, nullable: true }) readonly resolvedAt!: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly resolution!: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly key!: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the record value as received, base64' })
  readonly value!: string | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } })
  readonly headers!: Readonly<Record<string, string>>;
}

export class DeadLetterPage {
  @ApiProperty({ type: [DeadLetterView] }) readonly items!: DeadLetterView[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'pass as after for the next page; null: no more',
  })
  readonly next!: string | null;
}

export class StreamVerification {
  @ApiProperty() readonly streamId!: string;
  @ApiProperty() readonly streamType!: string;
  @ApiProperty({ description: 'true: every hash recomputes and links to the one before' })
  readonly ok!: boolean;
  @ApiProperty() readonly events!: number;
  @ApiPropertyOptional({ description: 'where the chain breaks' }) readonly streamVersion?: number;
  @ApiPropertyOptional() readonly reason?: string;
}

function deadLetterView(letter: DeadLetter): DeadLetterView {
  return {
    id: letter.id,
    kind: letter.kind,
    reason: letter.reason,
    topic: letter.topic,
    partition: letter.partition,
    offset: letter.offset,
    topicInstance: letter.topicInstance,
    streamId: letter.streamId,
    streamVersion: letter.streamVersion,
    createdAt: letter.createdAt.toISOString(),
    resolvedAt: letter.resolvedAt?.toISOString() ?? null,
    resolution: letter.resolution,
    key: letter.record.key,
    value: letter.record.value?.toString('base64') ?? null,
    headers: letter.record.headers,
  };
}

/**
 * What only the auditor role may see: every key with its status and last use next to the
 * journalled key changes, the projector's dead letters as received, and a stream's hash chain
 * checked on the server. Read-only, all of it; admin and reader keys get 403.
 */
@ApiTags('audit')
@Controller('v1/audit')
export class AuditController {
  private readonly journal: Journal;

  constructor(
    @Inject(PG_POOL) private readonly pool: Pool,
    private readonly keys: ApiKeys,
  ) {
    this.journal = new Journal(pool);
  }

  @Get('keys')
  @Authorize(ROLE_SETS.audit)
  @ApiOperation({
    summary: 'Every API key (status, last use) and every key change event',
    description: 'The keys as they stand, next to the journalled events that made them so.',
  })
  @ApiOkResponse({ type: AuditedKeysView })
  async keysAndEvents(): Promise<AuditedKeysView> {
    const [keys, events] = await Promise.all([this.keys.store.list(), this.keys.store.events()]);
    return { keys: keys.map(keyView), events };
  }

  @Get('dead-letters')
  @Authorize(ROLE_SETS.audit)
  @ApiOperation({
    summary: "A page of the projector's dead letters, raw record bytes in base64",
    description: 'Records the projector could not apply, by id; pass `next` as `after` for the next page.',
  })
  @ApiOkResponse({ type: DeadLetterPage })
  @ApiProblems({ 400: 'A query parameter is invalid (problem+json with field errors)' })
  async deadLetters(@Query() query: DeadLetterPageQueryDto): Promise<DeadLetterPage> {
    const limit = query.limit ?? 100;
    const letters = await pageDeadLetters(this.pool, {
      includeResolved: query.includeResolved ?? false,
      afterId: query.after ?? '0',
      limit,
    });
    return {
      items: letters.map(deadLetterView),
      next: letters.length === limit ? (letters.at(-1)?.id ?? null) : null,
    };
  }

  @Get('streams/:id/verify')
  @Authorize(ROLE_SETS.audit)
  @ApiOperation({
    summary: "Recompute a stream's hash chain (versions, links, hashes, recordedAt order)",
    description: '`ok: false` names the first version where the chain breaks and why.',
  })
  @ApiOkResponse({ type: StreamVerification })
  @ApiProblems({ 404: 'No such stream' })
  async verifyStream(@Param('id', StreamIdPipe) streamId: string): Promise<StreamVerification> {
    const stream = await this.journal.readStream(streamId);
    if (!stream) throw new Problem(404, 'stream-not-found', `No stream with id ${streamId}`);
    const verdict = verifyStreamChain(stream.events);
    return verdict.ok
      ? { streamId, streamType: stream.streamType, ok: true, events: stream.events.length }
      : {
          streamId,
          streamType: stream.streamType,
          ok: false,
          events: stream.events.length,
          streamVersion: verdict.streamVersion,
          reason: verdict.reason,
        };
  }
}
