import { createHash, timingSafeEqual } from 'node:crypto';
import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { Problem, bearerToken } from '@ledger/http';
import { NOTIFIER_CONFIG, type NotifierConfig } from './notifier.config';

const OPEN = Symbol('open');

/** Opens a route without a key (health and metrics only). */
export const Open = () => SetMetadata(OPEN, true);

const digest = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Every route needs `Authorization: Bearer <NOTIFIER_API_KEY>` unless it is marked @Open(). The
 * notifier has a database of its own, not the ledger's API keys, so it takes one key from its
 * environment; the comparison takes the same time whatever the key.
 */
@Injectable()
export class NotifierApiKeyGuard implements CanActivate {
  private readonly expected: Buffer;

  constructor(
    private readonly reflector: Reflector,
    @Inject(NOTIFIER_CONFIG) config: NotifierConfig,
  ) {
    this.expected = digest(config.apiKey);
  }

  canActivate(context: ExecutionContext): boolean {
    if (this.reflector.getAllAndOverride<boolean>(OPEN, [context.getHandler(), context.getClass()]))
      return true;
    const token = bearerToken(context.switchToHttp().getRequest<Request>());
    if (token === undefined) {
      throw new Problem(401, 'unauthenticated', 'Send the API key as "Authorization: Bearer <key>"');
    }
    if (!timingSafeEqual(digest(token), this.expected)) {
      throw new Problem(401, 'unauthenticated', 'Unknown API key');
    }
    return true;
  }
}
