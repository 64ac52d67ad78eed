import { createHash } from 'node:crypto';
import type { ExecutionContext } from '@nestjs/common';
import { Injectable } from '@nestjs/common';
import { ThrottlerGuard, type ThrottlerLimitDetail, type ThrottlerModuleOptions } from '@nestjs/throttler';
import type { Request } from 'express';
import type { LedgerConfig } from '@ledger/config';
import { bearerToken } from '../auth/api-key.guard';
import { Problem } from '../problems/problem';

/** Names of the two limits; `@SkipThrottle({ address: true, key: true })` lifts both. */
export const THROTTLERS = { address: 'address', key: 'key' } as const;

/**
 * A presented key is tracked by a digest of it, never by the secret itself, and before it is
 * looked up: a flood of made-up keys is limited per address, a stolen key per key.
 */
export function keyTracker(request: Pick<Request, 'headers'>): string {
  const token = bearerToken(request) ?? '';
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function requestOf(context: ExecutionContext): Request {
  return context.switchToHttp().getRequest<Request>();
}

/** Both limits count every route together: a budget per key or address, not per endpoint. */
function limitKey(_context: ExecutionContext, tracker: string, name: string): string {
  return `${name}:${tracker}`;
}

export function throttlerOptions(config: LedgerConfig): ThrottlerModuleOptions {
  const { perAddress, perKey, windowMs } = config.http.rateLimit;
  return {
    setHeaders: false,
    generateKey: limitKey,
    throttlers: [
      {
        name: THROTTLERS.address,
        ttl: windowMs,
        limit: perAddress,
        getTracker: (request: Record<string, unknown>) => (request as unknown as Request).ip ?? 'unknown',
      },
      {
        name: THROTTLERS.key,
        ttl: windowMs,
        limit: perKey,
        skipIf: (context) => bearerToken(requestOf(context)) === undefined,
        getTracker: (request: Record<string, unknown>) => keyTracker(request as unknown as Request),
      },
    ],
  };
}

/** The throttler with its refusal as the ledger's 429 problem, with Retry-After in seconds. */
@Injectable()
export class LedgerThrottlerGuard extends ThrottlerGuard {
  protected override throwThrottlingException(
    _context: ExecutionContext,
    detail: ThrottlerLimitDetail,
  ): Promise<void> {
    const seconds = Math.max(1, Math.ceil(detail.timeToBlockExpire));
    throw new Problem(
      429,
      'rate-limited',
      `Too many requests: at most ${detail.limit} per ${detail.ttl / 1000} s; retry in ${seconds} s`,
      undefined,
      { 'Retry-After': String(seconds) },
    );
  }
}
