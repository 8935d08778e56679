import { createHash, timingSafeEqual } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { parseApiKey } from '@junction/security';
import type { ActorContext } from '../endpoints/endpoint.types';
import { ApiKeyService } from './api-key.service';
import type { ApiKeyScope } from './api-key.types';

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

/** Who a request speaks for: the key's tenant (never the body's), the audit actor, and the key itself. */
export interface ApiKeyCaller extends ActorContext {
  /** The stored key's id, or `JUNCTION_API_KEY` for the plain operator key. */
  readonly apiKeyId: string;
  /** MCP tool globs the key is limited to; empty = every tool. */
  readonly mcpTools: readonly string[];
}

export type ApiKeyAuthentication =
  | { readonly ok: true; readonly caller: ApiKeyCaller }
  | { readonly ok: false; readonly status: 401 | 403; readonly code: 'UNAUTHORIZED' | 'INSUFFICIENT_SCOPE'; readonly message: string };

/**
 * The one API key check (webhook-ingress's admin API and POST /commands, mcp-gateway's /mcp and /commands/:id).
 * Missing, malformed, unknown, wrong and revoked keys are the same 401 UNAUTHORIZED, so a caller learns nothing
 * about which keys exist; a valid key without the scope is 403 INSUFFICIENT_SCOPE (only its holder can tell the two
 * apart). The audit actor is `<scope>:<key id>`. Neither answers nor logs ever contain the presented key.
 */
@Injectable()
export class ApiKeyAuthenticator {
  private readonly plain?: { digest: Buffer; tenantId: string };

  constructor(
    private readonly apiKeys: ApiKeyService,
    // Only where the plain operator key is accepted (POST /commands); the admin API never takes it.
    @Optional() @Inject(PLAIN_API_KEY) plain?: PlainApiKey | null,
  ) {
    if (plain) this.plain = { digest: digest(plain.key), tenantId: plain.tenantId };
  }

  /** `authorization`: the request's Authorization header (`Bearer <key>`), as received. */
  async authenticate(authorization: string | string[] | undefined, scope: ApiKeyScope): Promise<ApiKeyAuthentication> {
    const presented = typeof authorization === 'string' ? /^Bearer\s+(.+?)\s*$/i.exec(authorization)?.[1] : undefined;
    if (!presented) return unauthorized(scope);
    if (!parseApiKey(presented)) {
      // Compared on sha256 digests in constant time: equal lengths by construction, so neither length nor content leaks.
      if (scope === 'commands' && this.plain && timingSafeEqual(digest(presented), this.plain.digest)) {
        return { ok: true, caller: { tenantId: this.plain.tenantId, actor: 'commands:JUNCTION_API_KEY', apiKeyId: 'JUNCTION_API_KEY', mcpTools: [] } };
      }
      return unauthorized(scope);
    }
    const verified = await this.apiKeys.verify(presented, scope);
    if (!verified.ok) {
      if (verified.reason === 'MISSING_SCOPE') return { ok: false, status: 403, code: 'INSUFFICIENT_SCOPE', message: `this API key does not have the ${scope} scope` };
      return unauthorized(scope);
    }
    const key = verified.key;
    return { ok: true, caller: { tenantId: key.tenantId, actor: `${scope}:${key.id}`, apiKeyId: key.id, mcpTools: key.mcpTools } };
  }
}

function unauthorized(scope: ApiKeyScope): ApiKeyAuthentication {
  return { ok: false, status: 401, code: 'UNAUTHORIZED', message: `missing, wrong or revoked API key (Authorization: Bearer <key with the ${scope} scope>)` };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
