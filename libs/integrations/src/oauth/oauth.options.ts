/** Settings of the OAuth flow and token manager; an app provides them (webhook-ingress: from PUBLIC_BASE_URL). */
export interface OAuthOptions {
  /** Where browsers reach this deployment: the redirect URI is `${publicBaseUrl}/oauth/callback`. */
  publicBaseUrl?: string;
  /** Refresh when the access token expires within this (default 5 min). */
  refreshSkewMs?: number;
  /** How long a refresher holds the lease; a lapsed lease is taken over (default 30 s, > providerTimeoutMs). */
  refreshLeaseMs?: number;
  /** How long a caller waits for another replica's refresh before giving up, retryably (default 20 s). */
  refreshWaitMs?: number;
  /** Poll interval while waiting (default 100 ms, jittered). */
  refreshPollMs?: number;
  /** Per request to the provider's token and revocation endpoints (default 10 s). */
  providerTimeoutMs?: number;
  /** Lifetime of a pending authorization (state + PKCE verifier; default 10 min). */
  stateTtlMs?: number;
}

export const OAUTH_OPTIONS = Symbol('OAUTH_OPTIONS');

export type OAuthSettings = Required<OAuthOptions>;

export function oauthSettings(options: OAuthOptions = {}): OAuthSettings {
  return {
    // The CLI and workers never build an authorization URL; an app that does provides its public URL.
    publicBaseUrl: (options.publicBaseUrl ?? 'http://localhost:3000').replace(/\/+$/, ''),
    refreshSkewMs: options.refreshSkewMs ?? 5 * 60_000,
    refreshLeaseMs: options.refreshLeaseMs ?? 30_000,
    refreshWaitMs: options.refreshWaitMs ?? 20_000,
    refreshPollMs: options.refreshPollMs ?? 100,
    providerTimeoutMs: options.providerTimeoutMs ?? 10_000,
    stateTtlMs: options.stateTtlMs ?? 10 * 60_000,
  };
}
