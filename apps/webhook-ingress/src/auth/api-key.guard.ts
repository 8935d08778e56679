import { createHash, timingSafeEqual } from 'node:crypto';
import {
  applyDecorators,
  type CanActivate,
  type ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  Optional,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { parseApiKey } from '@junction/security';
import { type ActorContext, type ApiKeyScope, ApiKeyService } from '@junction/webhooks';

/**
 * The operator's JUNCTION_API_KEY when it is not a `jk_…` key: accepted for the `commands` scope only, for the
 * deployment's TENANT_ID. A `jk_…` JUNCTION_API_KEY is never compared here, only looked up in api_key, so that
 * revoking it (or the next `npm start` replacing it) cuts it off at once.
 */
export interface PlainApiKey {
  readonly key: string;
  readonly tenantId: string;
}
export const PLAIN_API_KEY = Symbol('PLAIN_API_KEY');

export function plainApiKey(configured: string | undefined, tenantId: string): PlainApiKey | null {
  return configured && !parseApiKey(configured) ? { key: configured, tenantId } : null;
}

/** What the guard leaves on the request: who is calling, for which tenant (the key's, never the body's). */
export interface ApiKeyRequest {
  headers: Record<string, string | string[] | undefined>;
  caller?: ActorContext;
}

const SCOPE = 'junction:api-key-scope';

/** `Authorization: Bearer <key>` with `scope` on every route of the controller or handler. */
export const ApiKeyAuth = (scope: ApiKeyScope) => applyDecorators(SetMetadata(SCOPE, scope), UseGuards(ApiKeyGuard));

/**
 * The one API key check of webhook-ingress (admin API and POST /commands). Missing, malformed, unknown, wrong and
 * revoked keys are the same 401 UNAUTHORIZED, so a caller learns nothing about which keys exist; a valid key
 * without the route's scope is 403 INSUFFICIENT_SCOPE (only its holder can tell the two apart). The audit actor
 * is `<scope>:<key id>`. Neither answers nor logs ever contain the presented key.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly plain?: { digest: Buffer; tenantId: string };

  constructor(
    private readonly reflector: Reflector,
    private readonly apiKeys: ApiKeyService,
    // Provided by CommandsModule only: the admin API never takes the plain key.
    @Optional() @Inject(PLAIN_API_KEY) plain?: PlainApiKey | null,
  ) {
    if (plain) this.plain = { digest: digest(plain.key), tenantId: plain.tenantId };
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(SCOPE, [context.getHandler(), context.getClass()]);
    // Fail closed: a route guarded without a scope is a programming error, not an open door.
    if (!scope) throw new Error('ApiKeyGuard on a route without @ApiKeyAuth(scope)');
    const request = context.switchToHttp().getRequest<ApiKeyRequest>();
    const header = request.headers.authorization;
    const presented = typeof header === 'string' ? /^Bearer\s+(.+?)\s*$/i.exec(header)?.[1] : undefined;
    if (!presented) throw unauthorized(scope);
    if (!parseApiKey(presented)) {
      // Compared on sha256 digests in constant time: equal lengths by construction, so neither length nor content leaks.
      if (scope === 'commands' && this.plain && timingSafeEqual(digest(presented), this.plain.digest)) {
        request.caller = { tenantId: this.plain.tenantId, actor: 'commands:JUNCTION_API_KEY' };
        return true;
      }
      throw unauthorized(scope);
    }
    const verified = await this.apiKeys.verify(presented, scope);
    if (!verified.ok) {
      if (verified.reason === 'MISSING_SCOPE') throw new ForbiddenException({ code: 'INSUFFICIENT_SCOPE', message: `this API key does not have the ${scope} scope` });
      throw unauthorized(scope);
    }
    request.caller = { tenantId: verified.key.tenantId, actor: `${scope}:${verified.key.id}` };
    return true;
  }
}

function unauthorized(scope: ApiKeyScope): UnauthorizedException {
  return new UnauthorizedException({ code: 'UNAUTHORIZED', message: `missing, wrong or revoked API key (Authorization: Bearer <key with the ${scope} scope>)` });
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
