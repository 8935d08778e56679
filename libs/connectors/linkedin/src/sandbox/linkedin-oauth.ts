import { randomBytes } from 'node:crypto';
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
}

export type TokenCheck = { ok: true; memberId: string; scope: string[] } | { ok: false; reason: 'invalid' | 'expired' | 'revoked' };

/**
 * Authorization codes, access and refresh tokens. Refreshing returns a new access token and the *same*
 * refresh token with its remaining lifetime: LinkedIn does not extend a refresh token's TTL, so a member
 * must re-consent once a year whatever the client does.
 */
export class LinkedInOAuth {
  private readonly codes = new Map<string, Code>();
  private readonly access = new Map<string, Grant & { revoked: boolean }>();
  private readonly refresh = new Map<string, Grant>();

  constructor(
    private readonly client: { id: string; secret: string },
    private readonly ttls: LinkedInTokenTtls,
    private readonly nowMs: () => number,
  ) {}

  /** What the consent screen would do: a single-use code bound to the redirect URI. */
  issueCode(memberId: string, scope: string, redirectUri: string): string {
    const code = `AQ${token(24)}`;
    this.codes.set(code, { memberId, scope, redirectUri, expiresAt: this.nowMs() + this.ttls.authorizationCodeSeconds * 1000 });
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

  revoke(accessToken: string): void {
    const grant = this.access.get(accessToken);
    if (grant) grant.revoked = true;
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
    const location = new URL(redirectUri);
    location.searchParams.set('code', this.issueCode(memberId, params.get('scope') ?? defaultScope, redirectUri));
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
    return { status: 200, body: this.issueTokens(code.memberId, code.scope) };
  }

  private refreshGrant(form: URLSearchParams): SandboxResponse {
    const refreshToken = form.get('refresh_token');
    if (!refreshToken) return oauthError(400, 'invalid_request', 'A required parameter "refresh_token" is missing');
    const grant = this.refresh.get(refreshToken);
    if (!grant || this.nowMs() >= grant.expiresAt) {
      return oauthError(400, 'invalid_grant', 'The provided authorization grant or refresh token is invalid, expired or revoked');
    }
    return { status: 200, body: this.accessFor(grant.memberId, grant.scope, refreshToken, grant.expiresAt) };
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

function token(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}
