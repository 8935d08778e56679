import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { ActorContext } from '@junction/webhooks';
import type { AdminRequest } from './admin-api-key.guard';

/** The ActorContext AdminApiKeyGuard established; a handler without the guard fails loudly instead of acting for nobody. */
export const AdminActor = createParamDecorator((_data: unknown, context: ExecutionContext): ActorContext => {
  const actor = context.switchToHttp().getRequest<AdminRequest>().adminActor;
  if (!actor) throw new Error('AdminActor used on a route without AdminApiKeyGuard');
  return actor;
});
