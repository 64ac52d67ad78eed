import {
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Injectable,
  Optional,
  SetMetadata,
  UnauthorizedException,
  applyDecorators,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiBasicAuth, ApiBearerAuth } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { ApiKeys, type Caller, type Role } from './api-keys';
import { ApiProblems } from '../problems/problem.dto';

const ROLES = Symbol('roles');
const PUBLIC = Symbol('public');
const BROWSER = Symbol('browser');

/** Who may call: admin writes; reader reads; admin and auditor may also read. */
export const ROLE_SETS = {
  write: ['admin'],
  read: ['reader', 'admin', 'auditor'],
  audit: ['auditor'],
} as const satisfies Record<string, readonly Role[]>;

/** The form of an Authorization header worth looking up: a bearer token of visible ASCII. */
export const BEARER = /^Bearer ([\x21-\x7e]{1,512})$/;

/** The presented bearer token, or undefined when the header is missing or malformed. */
export function bearerToken(request: Pick<Request, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  return typeof header === 'string' ? BEARER.exec(header)?.[1] : undefined;
}

/** The form of an Authorization header a browser sends once asked: HTTP Basic (RFC 7617). */
const BASIC = /^Basic ([A-Za-z0-9+/]{1,1024}={0,2})$/;

/**
 * The API key a browser presents as the password of HTTP Basic (the user name is not read), or
 * undefined when the header is missing or malformed.
 */
export function basicPassword(request: Pick<Request, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  const encoded = typeof header === 'string' ? BASIC.exec(header)?.[1] : undefined;
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const password = decoded.slice(decoded.indexOf(':') + 1);
  return decoded.includes(':') && /^[\x21-\x7e]{1,512}$/.test(password) ? password : undefined;
}

interface AuthenticatedRequest extends Request {
  caller?: Caller;
}

/** What a route declared about who may call it: roles, public, or nothing (refused). */
export type AccessRule =
  | { readonly kind: 'roles'; readonly roles: readonly Role[] }
  | { readonly kind: 'public' }
  | { readonly kind: 'undeclared' };

/** Reads a handler's access rule; a method's declaration wins over its controller's. */
export function accessRuleOf(
  reflector: Reflector,
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- Nest's own type for handlers
  targets: [handler: Function, controller: Function],
): AccessRule {
  if (reflector.getAllAndOverride<boolean>(PUBLIC, targets)) return { kind: 'public' };
  const roles: readonly Role[] | undefined = reflector.getAllAndOverride(ROLES, targets);
  return roles ? { kind: 'roles', roles } : { kind: 'undeclared' };
}

/**
 * The global guard of every HTTP app: deny by default. A route serves only if it declares
 * `@Authorize(roles)` (an API key of one of the roles) or `@Public()`; a route that declares
 * neither is refused with 403, so a forgotten decorator closes a route instead of opening it.
 * Processes without API keys (relay, projector) serve their public routes only.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Optional() private readonly keys?: ApiKeys,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = accessRuleOf(this.reflector, [context.getHandler(), context.getClass()]);
    if (rule.kind === 'public') return true;
    if (rule.kind === 'undeclared' || !this.keys) {
      throw new ForbiddenException('This route declares no access rule and is closed');
    }
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const browser =
      this.reflector.getAllAndOverride<boolean>(BROWSER, [context.getHandler(), context.getClass()]) ===
        true &&
      (request.method === 'GET' || request.method === 'HEAD');
    const token = bearerToken(request) ?? (browser ? basicPassword(request) : undefined);
    // A browser asks its user for credentials only when told how: the key as Basic's password.
    const challenge = (message: string): never => {
      if (browser) {
        context
          .switchToHttp()
          .getResponse<Response>()
          .setHeader(
            'WWW-Authenticate',
            'Basic realm="trade-policy ledger (API key as password)", charset="UTF-8"',
          );
      }
      throw new UnauthorizedException(message);
    };
    if (token === undefined) {
      return challenge(
        browser
          ? 'Send an API key as "Authorization: Bearer <key>", or as the password of HTTP Basic'
          : 'Send an API key as "Authorization: Bearer <key>"',
      );
    }
    const caller = await this.keys.identify(token);
    if (!caller) return challenge('Unknown or revoked API key');
    if (!rule.roles.includes(caller.role)) {
      throw new ForbiddenException(`This operation needs one of the roles: ${rule.roles.join(', ')}`);
    }
    request.caller = caller;
    return true;
  }
}

/** Opens a route to an API key of one of the given roles (the global ApiKeyGuard enforces it). */
export function Authorize(roles: readonly Role[]) {
  return applyDecorators(
    SetMetadata(ROLES, roles),
    ApiBearerAuth(),
    ApiProblems({
      401: 'Missing, unknown or revoked API key',
      403: 'The key has no role allowed here',
      429: 'Too many requests from this key or address (Retry-After)',
      503: 'The database is unavailable or too busy (Retry-After)',
    }),
  );
}

/**
 * `Authorize` for pages a browser opens: the key may also come as the password of HTTP Basic,
 * which browsers prompt for and then send by themselves. Only for reads (GET): credentials a
 * browser sends unasked must never be able to write.
 */
export function AuthorizeBrowser(roles: readonly Role[]) {
  return applyDecorators(Authorize(roles), SetMetadata(BROWSER, true), ApiBasicAuth());
}

/** Opens a route (or a controller's routes) to anyone: operational endpoints and public facts only. */
export function Public() {
  return SetMetadata(PUBLIC, true);
}

/** The caller the guard authenticated on this request. */
export function authenticatedCaller(request: Request): Caller {
  const caller = (request as AuthenticatedRequest).caller;
  if (!caller) throw new UnauthorizedException('Not authenticated');
  return caller;
}
