import {
  applyDecorators,
  type CanActivate,
  createParamDecorator,
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
import { ApiKeyAuthenticator, type ApiKeyCaller, PLAIN_API_KEY, type PlainApiKey } from './api-key.authenticator';
import { ApiKeyService } from './api-key.service';
import type { ApiKeyScope } from './api-key.types';

/** What the guard leaves on the request: who is calling, for which tenant (the key's, never the body's). */
export interface ApiKeyRequest {
  headers: Record<string, string | string[] | undefined>;
  caller?: ApiKeyCaller;
}

const SCOPE = 'junction:api-key-scope';

/** `Authorization: Bearer <key>` with `scope` on every route of the controller or handler. */
export const ApiKeyAuth = (scope: ApiKeyScope) => applyDecorators(SetMetadata(SCOPE, scope), UseGuards(ApiKeyGuard));

/**
 * ApiKeyAuthenticator as a Nest guard: 401 UNAUTHORIZED / 403 INSUFFICIENT_SCOPE as `{code, message}`. The module
 * using it provides ApiKeyService and this guard (and PLAIN_API_KEY where the plain operator key is accepted).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly authenticator: ApiKeyAuthenticator;

  constructor(
    private readonly reflector: Reflector,
    apiKeys: ApiKeyService,
    @Optional() @Inject(PLAIN_API_KEY) plain?: PlainApiKey | null,
  ) {
    this.authenticator = new ApiKeyAuthenticator(apiKeys, plain);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const scope = this.reflector.getAllAndOverride<ApiKeyScope | undefined>(SCOPE, [context.getHandler(), context.getClass()]);
    // Fail closed: a route guarded without a scope is a programming error, not an open door.
    if (!scope) throw new Error('ApiKeyGuard on a route without @ApiKeyAuth(scope)');
    const request = context.switchToHttp().getRequest<ApiKeyRequest>();
    const result = await this.authenticator.authenticate(request.headers.authorization, scope);
    if (!result.ok) {
      const body = { code: result.code, message: result.message };
      throw result.status === 403 ? new ForbiddenException(body) : new UnauthorizedException(body);
    }
    request.caller = result.caller;
    return true;
  }
}

/**
 * The caller ApiKeyGuard established (tenant from the key, audit actor); a handler without the guard fails loudly
 * instead of acting for nobody.
 */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): ApiKeyCaller => {
  const caller = context.switchToHttp().getRequest<ApiKeyRequest>().caller;
  if (!caller) throw new Error('@Caller() used on a route without @ApiKeyAuth(scope)');
  return caller;
});
