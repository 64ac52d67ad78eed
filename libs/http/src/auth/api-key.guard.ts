import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  SetMetadata,
  UnauthorizedException,
  applyDecorators,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBearerAuth, ApiForbiddenResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { Request } from 'express';
import { ApiKeys, type Caller, type Role } from './api-keys';

const ROLES = Symbol('roles');

/** Who may call: admin writes; reader reads; admin and auditor may also read. */
export const ROLE_SETS = {
  write: ['admin'],
  read: ['reader', 'admin', 'auditor'],
  audit: ['auditor'],
} as const satisfies Record<string, readonly Role[]>;

interface AuthenticatedRequest extends Request {
  caller?: Caller;
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly keys: ApiKeys,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer ([\x21-\x7e]{1,512})$/.exec(header) : null;
    if (!match) {
      throw new UnauthorizedException('Send an API key as "Authorization: Bearer <key>"');
    }
    const caller = await this.keys.identify(match[1]);
    if (!caller) throw new UnauthorizedException('Unknown or revoked API key');
    const allowed = this.reflector.get<readonly Role[]>(ROLES, context.getHandler()) ?? [];
    if (!allowed.includes(caller.role)) {
      throw new ForbiddenException(`This operation needs one of the roles: ${allowed.join(', ')}`);
    }
    request.caller = caller;
    return true;
  }
}

/** Guards a route with an API key of one of the given roles. */
export function Authorize(roles: readonly Role[]) {
  return applyDecorators(
    SetMetadata(ROLES, roles),
    UseGuards(ApiKeyGuard),
    ApiBearerAuth(),
    ApiUnauthorizedResponse({ description: 'Missing, unknown or revoked API key' }),
    ApiForbiddenResponse({ description: 'The key has no role allowed here' }),
  );
}

/** The caller the guard authenticated on this request. */
export function authenticatedCaller(request: Request): Caller {
  const caller = (request as AuthenticatedRequest).caller;
  if (!caller) throw new UnauthorizedException('Not authenticated');
  return caller;
}
