import * as oauth from 'oauth4webapi';
import type { OAuthEndpoints } from './oauth-endpoints';

/** An OAuth app's credentials at the provider (the connection's sealed `oauth2` secret). */
export interface OAuthClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** A token endpoint's answer, normalized. Lives in memory only: sealed before it is stored. */
export interface OAuthTokenSet {
  accessToken: string;
  /** Absent when the provider issued none, or (on refresh) kept the old one. */
  refreshToken?: string;
  tokenType: string;
  scope?: string;
  expiresInSeconds?: number;
  /** LinkedIn's `refresh_token_expires_in` (not in RFC 6749). */
  refreshExpiresInSeconds?: number;
}

export interface PendingAuthorization {
  state: string;
  codeVerifier: string;
  authorizationUrl: string;
}

/**
 * The provider refused or could not answer. `rejected`: it answered 400/401 or an OAuth error (invalid_grant …):
 * the grant is dead, retrying cannot help. `unavailable`: network, timeout, 5xx, 429 or a malformed answer: retry.
 * The message holds the provider's error code and status, never a token, secret or response body.
 */
export class OAuthProviderError extends Error {
  override readonly name = 'OAuthProviderError';
  constructor(
    readonly kind: 'rejected' | 'unavailable',
    /** The provider's OAuth `error` (invalid_grant, access_denied …) or, without one, network | timeout | http_<status> | protocol. */
    readonly providerCode: string,
    readonly status: number | undefined,
    message: string,
  ) {
    super(message);
  }
}

/**
 * OAuth 2.0 authorization-code flow with PKCE, refresh and revocation, on oauth4webapi (RFC 6749, 7636, 7009).
 * The one place that talks to a provider's authorization server; nothing here logs or returns a secret.
 */
export class OAuthClient {
  constructor(private readonly timeoutMs: number) {}

  /** A fresh state (32 random bytes) and PKCE verifier, and the URL to send the member's browser to. */
  async authorization(endpoints: OAuthEndpoints, clientId: string, redirectUri: string): Promise<PendingAuthorization> {
    const state = oauth.generateRandomState();
    const codeVerifier = oauth.generateRandomCodeVerifier();
    const url = new URL(endpoints.authorizationEndpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', clientId);
    url.searchParams.set('redirect_uri', redirectUri);
    if (endpoints.scopes.length > 0) url.searchParams.set('scope', endpoints.scopes.join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(codeVerifier));
    url.searchParams.set('code_challenge_method', 'S256');
    return { state, codeVerifier, authorizationUrl: url.toString() };
  }

  /** Validates the redirect's parameters (an `error` from the provider → rejected) and exchanges the code. */
  async exchangeCode(endpoints: OAuthEndpoints, credentials: OAuthClientCredentials, callback: URLSearchParams, expected: { state: string; redirectUri: string; codeVerifier: string }): Promise<OAuthTokenSet> {
    const { as, client, auth } = this.parties(endpoints, credentials);
    let params: URLSearchParams;
    try {
      params = oauth.validateAuthResponse(as, client, callback, expected.state);
    } catch (error: unknown) {
      if (error instanceof oauth.AuthorizationResponseError) throw new OAuthProviderError('rejected', safeCode(error.error), undefined, `the provider refused the authorization: ${safeCode(error.error)}`);
      throw new OAuthProviderError('rejected', 'invalid_request', undefined, `the authorization response is not valid: ${(error as Error).message}`);
    }
    return this.call('authorization_code', endpoints, async () => {
      const response = await oauth.authorizationCodeGrantRequest(as, client, auth, params, expected.redirectUri, expected.codeVerifier, this.httpOptions(endpoints.tokenEndpoint));
      return tokenSet(await oauth.processAuthorizationCodeResponse(as, client, response));
    });
  }

  async refresh(endpoints: OAuthEndpoints, credentials: OAuthClientCredentials, refreshToken: string): Promise<OAuthTokenSet> {
    const { as, client, auth } = this.parties(endpoints, credentials);
    return this.call('refresh_token', endpoints, async () => {
      const response = await oauth.refreshTokenGrantRequest(as, client, auth, refreshToken, this.httpOptions(endpoints.tokenEndpoint));
      return tokenSet(await oauth.processRefreshTokenResponse(as, client, response));
    });
  }

  /** RFC 7009 revocation; throws OAuthProviderError when the provider does not answer 200. */
  async revoke(endpoints: OAuthEndpoints & { revocationEndpoint: string }, credentials: OAuthClientCredentials, token: string, hint: 'access_token' | 'refresh_token'): Promise<void> {
    const { as, client, auth } = this.parties(endpoints, credentials);
    await this.call('revocation', endpoints, async () => {
      const response = await oauth.revocationRequest(as, client, auth, token, { ...this.httpOptions(endpoints.revocationEndpoint), additionalParameters: { token_type_hint: hint } });
      await oauth.processRevocationResponse(response);
    });
  }

  private parties(endpoints: OAuthEndpoints, credentials: OAuthClientCredentials) {
    const as: oauth.AuthorizationServer = {
      // No discovery (LinkedIn publishes no metadata for this flow): the issuer is only an identifier here.
      issuer: new URL(endpoints.tokenEndpoint).origin,
      authorization_endpoint: endpoints.authorizationEndpoint,
      token_endpoint: endpoints.tokenEndpoint,
      ...(endpoints.revocationEndpoint ? { revocation_endpoint: endpoints.revocationEndpoint } : {}),
    };
    const client: oauth.Client = { client_id: credentials.clientId };
    const auth = endpoints.clientAuth === 'client_secret_basic' ? oauth.ClientSecretBasic(credentials.clientSecret) : oauth.ClientSecretPost(credentials.clientSecret);
    return { as, client, auth };
  }

  private httpOptions(endpoint: string) {
    return {
      signal: () => AbortSignal.timeout(this.timeoutMs),
      [oauth.customFetch]: withTokenTypeDefault,
      // http:// only towards this machine or a single-label host (a sandbox container); the internet needs https.
      ...(insecureAllowed(endpoint) ? { [oauth.allowInsecureRequests]: true } : {}),
    };
  }

  private async call<T>(operation: string, endpoints: OAuthEndpoints, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error: unknown) {
      throw classify(operation, new URL(endpoints.tokenEndpoint).host, error);
    }
  }
}

function classify(operation: string, host: string, error: unknown): OAuthProviderError {
  if (error instanceof OAuthProviderError) return error;
  const where = `${operation} at ${host}`;
  if (error instanceof oauth.ResponseBodyError) {
    const code = safeCode(error.error);
    const kind = error.status >= 500 || error.status === 429 ? 'unavailable' : 'rejected';
    return new OAuthProviderError(kind, code, error.status, `${where} answered ${error.status} ${code}`);
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) {
    return new OAuthProviderError('rejected', 'invalid_client', error.status, `${where} answered ${error.status} with an authentication challenge`);
  }
  const name = (error as { name?: string }).name;
  if (name === 'TimeoutError' || name === 'AbortError') return new OAuthProviderError('unavailable', 'timeout', undefined, `${where} did not answer in time`);
  if (error instanceof oauth.OperationProcessingError) {
    const status = error.cause instanceof Response ? error.cause.status : undefined;
    if (status === 400 || status === 401) return new OAuthProviderError('rejected', `http_${status}`, status, `${where} answered ${status}`);
    return new OAuthProviderError('unavailable', status ? `http_${status}` : 'protocol', status, `${where} gave a response that is not valid OAuth 2.0 (${error.code ?? 'protocol'})`);
  }
  return new OAuthProviderError('unavailable', 'network', undefined, `${where} could not be reached (${(error as Error).message})`);
}

/** What the provider says goes into messages and events: an RFC 6749 error code, so a bounded token of safe characters. */
function safeCode(value: unknown): string {
  return typeof value === 'string' && /^[\w.-]{1,64}$/.test(value) ? value : 'invalid_response';
}

function tokenSet(response: oauth.TokenEndpointResponse): OAuthTokenSet {
  const refreshExpires = response.refresh_token_expires_in;
  return {
    accessToken: response.access_token,
    ...(response.refresh_token ? { refreshToken: response.refresh_token } : {}),
    tokenType: response.token_type,
    ...(typeof response.scope === 'string' ? { scope: response.scope } : {}),
    ...(typeof response.expires_in === 'number' ? { expiresInSeconds: response.expires_in } : {}),
    ...(typeof refreshExpires === 'number' ? { refreshExpiresInSeconds: refreshExpires } : {}),
  };
}

/**
 * LinkedIn's token responses carry no `token_type` (RFC 6749 §5.1 requires it; oauth4webapi insists, as it should).
 * A successful JSON token response without one is a bearer token: we add it, and change nothing else.
 */
async function withTokenTypeDefault(url: string, init: RequestInit): Promise<Response> {
  const response = await fetch(url, init);
  if (response.status !== 200 || !(response.headers.get('content-type') ?? '').includes('json')) return response;
  const body: unknown = await response.clone().json().catch(() => undefined);
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'token_type' in body || !('access_token' in body)) return response;
  return new Response(JSON.stringify({ ...body, token_type: 'bearer' }), { status: 200, headers: { 'content-type': 'application/json' } });
}

function insecureAllowed(endpoint: string): boolean {
  const { protocol, hostname } = new URL(endpoint);
  if (protocol !== 'http:') return false;
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]' || !hostname.includes('.');
}
