import type { WebhookEndpoint, WebhookSecret } from '@junction/persistence';
import type { SchemeName } from '@junction/security';
import type { RouteRule } from '../routing/route-rule';
import type { EndpointView } from './endpoint.types';

export type EndpointRow = WebhookEndpoint & { secrets: WebhookSecret[] };

/** Row → API view. Secrets appear as id and dates only: the row type carries no credential, by construction. */
export function toEndpointView(row: EndpointRow, now: Date): EndpointView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    provider: row.provider,
    scheme: row.scheme as SchemeName,
    schemeOptions: (row.schemeOptions ?? {}) as Record<string, unknown>,
    description: row.description,
    url: `/webhooks/${row.provider}/${row.id}`,
    toleranceSeconds: row.toleranceSeconds,
    futureToleranceSeconds: row.futureToleranceSeconds,
    bodyLimitBytes: row.bodyLimitBytes,
    rateLimit: row.rateLimitPerSecond !== null && row.rateLimitBurst !== null ? { perSecond: row.rateLimitPerSecond, burst: row.rateLimitBurst } : null,
    routes: row.routes as RouteRule[],
    disabled: row.disabledAt !== null,
    secrets: row.secrets.map((s) => ({ id: s.id, createdAt: s.createdAt, expiresAt: s.expiresAt, active: isActive(s, now) })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export function isActive(secret: Pick<WebhookSecret, 'expiresAt'>, now: Date): boolean {
  return secret.expiresAt === null || secret.expiresAt > now;
}
