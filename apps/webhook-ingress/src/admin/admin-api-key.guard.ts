import { type CanActivate, type ExecutionContext, Injectable, UnauthorizedException } from '@nestjs/common';
import { type ActorContext, ApiKeyService } from '@junction/webhooks';

/** What the guard leaves on the request for the handlers: the key's tenant and the audit actor. */
export interface AdminRequest {
  headers: Record<string, string | string[] | undefined>;
  adminActor?: ActorContext;
}

/**
 * `Authorization: Bearer jk_…` with the admin scope. Every failure (missing, malformed, unknown, wrong, revoked,
 * out of scope) is the same 401, so a caller learns nothing about which keys exist. The key's tenant is the
 * request's tenant: an admin sees and changes only its own tenant's endpoints.
 */
@Injectable()
export class AdminApiKeyGuard implements CanActivate {
  constructor(private readonly apiKeys: ApiKeyService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AdminRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    const key = match ? await this.apiKeys.authenticate(match[1]!, 'admin') : null;
    if (!key) throw new UnauthorizedException({ code: 'UNAUTHORIZED', message: 'missing or wrong admin API key (Authorization: Bearer <key with the admin scope>)' });
    request.adminActor = { tenantId: key.tenantId, actor: `admin:${key.id}` };
    return true;
  }
}
