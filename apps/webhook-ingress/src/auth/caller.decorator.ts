import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ActorContext } from '@junction/webhooks';
import type { ApiKeyRequest } from './api-key.guard';

/**
 * The caller ApiKeyGuard established (tenant from the key, audit actor); a handler without the guard fails loudly
 * instead of acting for nobody.
 */
export const Caller = createParamDecorator((_data: unknown, context: ExecutionContext): ActorContext => {
  const caller = context.switchToHttp().getRequest<ApiKeyRequest>().caller;
  if (!caller) throw new Error('@Caller() used on a route without @ApiKeyAuth(scope)');
  return caller;
});
