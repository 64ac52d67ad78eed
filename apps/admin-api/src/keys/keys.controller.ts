import { Body, Controller, Get, HttpCode, Param, Post, Put, Req, type PipeTransform } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import {
  ApiKeys,
  ApiProblems,
  Authorize,
  KEY_ID_PATTERN,
  Problem,
  ROLE_SETS,
  authenticatedCaller,
  type KeyActor,
} from '@ledger/http';
import {
  CreateKeyDto,
  DEFAULT_OVERLAP_SECONDS,
  IssuedKeyView,
  KeyExpiryDto,
  KeyView,
  RotateKeyDto,
  RotatedKeyView,
  issuedKeyView,
  keyView,
} from './key.dto';

/** A key id in the path: anything else names no key. */
export class KeyIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!KEY_ID_PATTERN.test(value)) throw new Problem(404, 'key-not-found', `No API key with id ${value}`);
    return value;
  }
}

function actorOf(request: Request): KeyActor {
  const caller = authenticatedCaller(request);
  return { keyId: caller.keyId, role: caller.role };
}

const BODY_PROBLEMS = {
  400: 'Invalid fields (problem+json with field errors)',
  413: 'Body larger than HTTP_BODY_LIMIT',
  415: 'The body is not JSON',
} as const;
const CHANGE_PROBLEMS = { 404: 'No such key', 409: 'The key is revoked or expired' } as const;

const optionalDate = (instant: string | null | undefined): Date | null =>
  instant === undefined || instant === null ? null : new Date(instant);

/**
 * The API key lifecycle, for admins: create, list, rotate, set the expiry, revoke. Each change
 * is journalled as an ApiKey* event in the same transaction, and this process drops the key from
 * its cache at once (others within the cache's few seconds).
 */
@ApiTags('keys')
@Controller('v1/keys')
export class KeysController {
  constructor(private readonly keys: ApiKeys) {}

  @Post()
  @Authorize(ROLE_SETS.write)
  @ApiOperation({
    summary: 'Create an API key; the answer shows the key this once (ApiKeyCreated)',
    description: 'The key is stored as a hash only: keep the `key` of the answer, it is never shown again.',
  })
  @ApiCreatedResponse({ type: IssuedKeyView, description: 'The new key, shown this once' })
  @ApiProblems({ ...BODY_PROBLEMS })
  async create(@Body() body: CreateKeyDto, @Req() request: Request): Promise<IssuedKeyView> {
    const issued = await this.keys.store.create(
      { role: body.role, label: body.label, expiresAt: optionalDate(body.expiresAt) },
      actorOf(request),
    );
    return issuedKeyView(issued);
  }

  @Get()
  @Authorize(ROLE_SETS.write)
  @ApiOperation({
    summary: 'Every API key, without secrets',
    description: 'Live, expired and revoked keys, with their status, expiry and last use (to the minute).',
  })
  @ApiOkResponse({ type: [KeyView], description: 'Every key, oldest first' })
  async list(): Promise<KeyView[]> {
    return (await this.keys.store.list()).map(keyView);
  }

  @Post(':id/rotate')
  @Authorize(ROLE_SETS.write)
  @ApiOperation({
    summary: 'A new key for the same role; the old one keeps working for the overlap (ApiKeyRotated)',
    description:
      'The answer shows the new key this once, and the old key with the expiry the overlap gave it.',
  })
  @ApiCreatedResponse({ type: RotatedKeyView, description: 'The new key (shown this once) and the old one' })
  @ApiProblems({ ...BODY_PROBLEMS, ...CHANGE_PROBLEMS })
  async rotate(
    @Param('id', KeyIdPipe) keyId: string,
    @Body() body: RotateKeyDto,
    @Req() request: Request,
  ): Promise<RotatedKeyView> {
    const rotated = await this.keys.store.rotate(
      keyId,
      {
        overlapSeconds: body.overlapSeconds ?? DEFAULT_OVERLAP_SECONDS,
        expiresAt: optionalDate(body.expiresAt),
      },
      actorOf(request),
    );
    this.keys.forget(keyId);
    return { ...issuedKeyView(rotated), previous: keyView(rotated.previous) };
  }

  @Put(':id/expiry')
  @Authorize(ROLE_SETS.write)
  @ApiOperation({
    summary: "Set or clear a live key's expiry (ApiKeyExpirySet)",
    description: 'An expiry must be in the future; null clears it.',
  })
  @ApiOkResponse({ type: KeyView, description: 'The key as it now stands' })
  @ApiProblems({ ...BODY_PROBLEMS, ...CHANGE_PROBLEMS })
  async setExpiry(
    @Param('id', KeyIdPipe) keyId: string,
    @Body() body: KeyExpiryDto,
    @Req() request: Request,
  ): Promise<KeyView> {
    const record = await this.keys.store.setExpiry(keyId, optionalDate(body.expiresAt), actorOf(request));
    this.keys.forget(keyId);
    return keyView(record);
  }

  @Post(':id/revoke')
  @HttpCode(200)
  @Authorize(ROLE_SETS.write)
  @ApiOperation({
    summary: 'Revoke a key for good (ApiKeyRevoked)',
    description:
      "The key stops working at once in this process, and within the key cache's few seconds in others.",
  })
  @ApiOkResponse({ type: KeyView, description: 'The key as it now stands' })
  @ApiProblems(CHANGE_PROBLEMS)
  async revoke(@Param('id', KeyIdPipe) keyId: string, @Req() request: Request): Promise<KeyView> {
    const record = await this.keys.store.revoke(keyId, actorOf(request));
    this.keys.forget(keyId);
    return keyView(record);
  }
}
