import { INTEGRATION_TYPES } from '../catalog/integration-types';
import type { OAuthProviderDefaults } from '../connections/connection.types';

/** The endpoints and scopes one connection authorizes against: its type's defaults, overridden by `config.oauth`. */
export interface OAuthEndpoints {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  scopes: string[];
  clientAuth: OAuthProviderDefaults['clientAuth'];
}

const DEFAULTS = new Map(INTEGRATION_TYPES.filter((t) => t.oauth).map((t) => [t.slug, t.oauth!]));

/**
 * null when neither the type nor the connection names an authorization and a token endpoint (OAUTH_NOT_SUPPORTED).
 * `config.oauth` was validated against the type's JSON Schema when the connection was saved; it is read
 * defensively anyway (a value of the wrong type is ignored, not trusted).
 */
export function oauthEndpoints(typeSlug: string, config: unknown, defaults: OAuthProviderDefaults | undefined = DEFAULTS.get(typeSlug)): OAuthEndpoints | null {
  const overrides = isRecord(config) && isRecord(config.oauth) ? config.oauth : {};
  const authorizationEndpoint = text(overrides.authorizationEndpoint) ?? defaults?.authorizationEndpoint;
  const tokenEndpoint = text(overrides.tokenEndpoint) ?? defaults?.tokenEndpoint;
  if (!authorizationEndpoint || !tokenEndpoint) return null;
  const scopes = Array.isArray(overrides.scopes) && overrides.scopes.every((s) => typeof s === 'string') ? (overrides.scopes as string[]) : [...(defaults?.scopes ?? [])];
  const revocationEndpoint = text(overrides.revocationEndpoint) ?? defaults?.revocationEndpoint;
  return { authorizationEndpoint, tokenEndpoint, ...(revocationEndpoint ? { revocationEndpoint } : {}), scopes, clientAuth: defaults?.clientAuth ?? 'client_secret_post' };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
