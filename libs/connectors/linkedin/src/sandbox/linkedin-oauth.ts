import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { SandboxResponse } from '@junction/connectors/sandbox-kit';
import { oauthError } from './linkedin-errors';

/** LinkedIn's 3-legged token lifetimes: access ~60 days, refresh ~365 days, authorization code 30 minutes. */
export interface LinkedInTokenTtls {
  accessTokenSeconds: number;
  refreshTokenSeconds: number;
  authorizationCodeSeconds: number;
}

export const DEFAULT_TTLS: LinkedInTokenTtls = { accessTokenSeconds: 60 * 86_400, refreshTokenSeconds: 365 * 86_400, authorizationCodeSeconds: 30 * 60 };

export interface IssuedTokens {
  access_token: string;
  expires_in: number;
  refresh_token: string;
  refresh_token_expires_in: number;
  scope: string;
}

interface Grant {
  memberId: string;
  scope: string;
  expiresAt: number;
}
interface Code extends Grant {
  redirectUri: string;
  /** PKCE (RFC 7636, S256 only): the challenge sent at authorization; the exchange must prove the verifier. */
  codeChallenge?: string;
}

export interface LinkedInOAuthOptions {
  /**
   * Refresh tokens become single use: a refresh returns a NEW refresh token (same remaining lifetime) and the old
   * one answers invalid_grant from then on. Default false: LinkedIn returns the same refresh token.
   */
  rotateRefreshTokens?: boolean;
}

export type TokenCheck = { ok: true; memberId: string; scope: string[] } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' };

/** How many refresh_token grants the token endpoint answered, by outcome (tests assert "exactly one refresh"). */
export interface RefreshGrantCounts {
  served: number;
  rejected: number;
}

/**
 * Authorization codes, access and refresh tokens. Refreshing returns a new access token and the *same*
 * refresh token with its remaining lifetime: LinkedIn does not extend a refresh token's TTL, so a member
 * must re-consent once a year whatever the client does. With `rotateRefreshTokens` the refresh token is
 * single use instead (what many other providers do), so a client that refreshes twice with one token fails.
 */
export class LinkedInOAuth {
  readonly refreshGrants: RefreshGrantCounts = { served: 0, rejected: 0 };
  private readonly codes = new Map<string, Code>();
  private readonly access = new Map<string, Grant & { revoked: boolean }>();
  private readonly refresh = new Map<string, Grant>();

  constructor(
    private readonly client: { id: string; secret: string },
    private readonly ttls: LinkedInTokenTtls,
    private readonly nowMs: () => number,
    private readonly options: LinkedInOAuthOptions = {},
  ) {}

  /** What the consent screen would do: a single-use code bound to the redirect URI (and to a PKCE challenge when given). */
  issueCode(memberId: string, scope: string, redirectUri: string, codeChallenge?: string): string {
    const code = `AQ${token(24)}`;
    this.codes.set(code, { memberId, scope, redirectUri, codeChallenge, expiresAt: this.nowMs() + this.ttls.authorizationCodeSeconds * 1000 });
    return code;
  }

  /** Tokens for a member without the HTTP dance (test setup). */
  issueTokens(memberId: string, scope: string): IssuedTokens {
    const now = this.nowMs();
    const refreshToken = `AQX${token(32)}`;
    const refreshExpiresAt = now + this.ttls.refreshTokenSeconds * 1000;
    this.refresh.set(refreshToken, { memberId, scope, expiresAt: refreshExpiresAt });
    return this.accessFor(memberId, scope, refreshToken, refreshExpiresAt);
  }

  /** Revokes an access token (later calls answer REVOKED_ACCESS_TOKEN) or forgets a refresh token. */
  revoke(value: string): void {
    const grant = this.access.get(value);
    if (grant) grant.revoked = true;
    this.refresh.delete(value);
  }

  check(accessToken: string): TokenCheck {
    const grant = this.access.get(accessToken);
    if (!grant) return { ok: false, reason: 'invalid' };
    if (grant.revoked) return { ok: false, reason: 'revoked' };
    if (this.nowMs() >= grant.expiresAt) return { ok: false, reason: 'expired' };
    return { ok: true, memberId: grant.memberId, scope: grant.scope.split(/[ ,]+/).filter(Boolean) };
  }

  clear(): void {
    this.codes.clear();
    this.access.clear();
    this.refresh.clear();
    this.refreshGrants.served = 0;
    this.refreshGrants.rejected = 0;
  }

  /**
   * `POST /oauth/v2/revoke` (form: token, client_id, client_secret) → 200 with an empty body, also for a token it
   * does not know (RFC 7009 §2.2: the client cannot act on the difference).
   */
  revocationEndpoint(contentType: string | undefined, raw: string): SandboxResponse {
    if (!(contentType ?? '').includes('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(raw);
    if (form.get('client_id') !== this.client.id || form.get('client_secret') !== this.client.secret) {
      return oauthError(401, 'invalid_client', 'Client authentication failed');
    }
    const value = form.get('token');
    if (!value) return oauthError(400, 'invalid_request', 'A required parameter "token" is missing');
    this.revoke(value);
    return { status: 200, raw: '' };
  }

  /** `POST /oauth/v2/accessToken` (form-encoded; client credentials in the body, as LinkedIn expects). */
  tokenEndpoint(contentType: string | undefined, raw: string): SandboxResponse {
    if (!(contentType ?? '').includes('application/x-www-form-urlencoded')) {
      return oauthError(400, 'invalid_request', 'Content-Type must be application/x-www-form-urlencoded');
    }
    const form = new URLSearchParams(raw);
    const grantType = form.get('grant_type');
    if (!grantType) return oauthError(400, 'invalid_request', 'A required parameter "grant_type" is missing');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      return oauthError(400, 'unsupported_grant_type', `The grant type "${grantType}" is not supported`);
    }
    if (form.get('client_id') !== this.client.id || form.get('client_secret') !== this.client.secret) {
      return oauthError(401, 'invalid_client', 'Client authentication failed');
    }
    return grantType === 'authorization_code' ? this.exchangeCode(form) : this.refreshGrant(form);
  }

  /**
   * `GET /oauth/v2/authorization`: the member (always `memberId` here: there is no login page) consents at
   * once and is redirected back with a code and the caller's `state`.
   */
  authorizationEndpoint(params: URLSearchParams, memberId: string, defaultScope: string): SandboxResponse {
    const redirectUri = params.get('redirect_uri');
    if (params.get('response_type') !== 'code' || params.get('client_id') !== this.client.id || !redirectUri || !URL.canParse(redirectUri)) {
      return oauthError(400, 'invalid_request', 'response_type=code, a known client_id and redirect_uri are required');
    }
    const challenge = params.get('code_challenge') ?? undefined;
    if (challenge !== undefined && (params.get('code_challenge_method') !== 'S256' || !/^[A-Za-z0-9_-]{43}$/.test(challenge))) {
      return oauthError(400, 'invalid_request', 'code_challenge must be a base64url SHA-256 (43 characters) with code_challenge_method=S256');
    }
    const location = new URL(redirectUri);
    location.searchParams.set('code', this.issueCode(memberId, params.get('scope') ?? defaultScope, redirectUri, challenge));
    const state = params.get('state');
    if (state !== null) location.searchParams.set('state', state);
    return { status: 302, raw: '', headers: { location: location.toString() } };
  }

  private exchangeCode(form: URLSearchParams): SandboxResponse {
    const codeValue = form.get('code');
    if (!codeValue) return oauthError(400, 'invalid_request', 'A required parameter "code" is missing');
    const code = this.codes.get(codeValue);
    this.codes.delete(codeValue);
    if (!code || this.nowMs() >= code.expiresAt) {
      return oauthError(400, 'invalid_grant', 'The provided authorization grant or refresh token is invalid, expired or revoked');
    }
    if (form.get('redirect_uri') !== code.redirectUri) {
      return oauthError(400, 'invalid_redirect_uri', 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code');
    }
    if (code.codeChallenge !== undefined && !verifies(form.get('code_verifier'), code.codeChallenge)) {
      return oauthError(400, 'invalid_grant', 'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code');
    }
    return { status: 200, body: this.issueTokens(code.memberId, code.scope) };
  }

  private refreshGrant(form: URLSearchParams): SandboxResponse {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return oauthError(400, 'invalid_request', 'A required parameter "refresh_token" is missing');
    const grant = this.refresh.get(refreshToken);
    if (!grant || this.nowMs() >= grant.expiresAt) {
      this.refreshGrants.rejected++;
      return oauthError(400, 'invalid_grant', 'The provided authorization grant or refresh token is invalid, expired or revoked');
    }
    this.refreshGrants.served++;
    if (!this.options.rotateRefreshTokens) return { status: 200, body: this.accessFor(grant.memberId, grant.scope, refreshToken, grant.expiresAt) };
    // Single use: the old token dies now; the new one keeps the grant's original expiry.
    this.refresh.delete(refreshToken);
    const next = `AQX${token(32)}`;
    this.refresh.set(next, grant);
    return { status: 200, body: this.accessFor(grant.memberId, grant.scope, next, grant.expiresAt) };
  }

  private accessFor(memberId: string, scope: string, refreshToken: string, refreshExpiresAt: number): IssuedTokens {
    const now = this.nowMs();
    const accessToken = `AQV${token(48)}`;
    this.access.set(accessToken, { memberId, scope, expiresAt: now + this.ttls.accessTokenSeconds * 1000, revoked: false });
    return {
      access_token: accessToken,
      expires_in: this.ttls.accessTokenSeconds,
      refresh_token: refreshToken,
      refresh_token_expires_in: Math.max(0, Math.floor((refreshExpiresAt - now) / 1000)),
      scope,
    };
  }
}

/** RFC 7636 S256: BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge, compared in constant time. */
function verifies(verifier: string | null, challenge: string): boolean {
  if (!verifier || !/^[A-Za-z0-9._~-]{43,128}$/.test(verifier)) return false;
  const computed = Buffer.from(createHash('sha256').update(verifier, 'ascii').digest('base64url'));
  const expected = Buffer.from(challenge);
  return computed.length === expected.length && timingSafeEqual(computed, expected);
}

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
