import { ManagementError } from '@junction/contracts';
import type { SchemeName } from '@junction/security';
import type { RouteRule } from '../routing/route-rule';

export type { ActorContext } from '@junction/contracts';

/** A secret as the API shows it: never its value. */
export interface EndpointSecretView {
  id: string;
  createdAt: Date;
  expiresAt: Date | null;
  /** Not expired: ingress verifies signatures with every active secret. */
  active: boolean;
}

export interface EndpointView {
  id: string;
  tenantId: string;
  provider: string;
  scheme: SchemeName;
  /** generic-hmac settings; `{}` for every other scheme. */
  schemeOptions: Record<string, unknown>;
  description: string | null;
  /** Where the provider posts, relative to the webhook-ingress base URL. */
  url: `/webhooks/${string}/${string}`;
  toleranceSeconds: number;
  futureToleranceSeconds: number;
  bodyLimitBytes: number;
  rateLimit: { perSecond: number; burst: number } | null;
  routes: RouteRule[];
  disabled: boolean;
  /** Oldest first, expired ones included (active: false) until removed. */
  secrets: EndpointSecretView[];
  createdAt: Date;
  updatedAt: Date;
}

export type EndpointErrorCode = 'ENDPOINT_NOT_FOUND' | 'ENDPOINT_EXISTS' | 'VALIDATION_FAILED' | 'LAST_SECRET';

export class EndpointError extends ManagementError<EndpointErrorCode> {
  override readonly name = 'EndpointError';
}
