import type { Tx } from '@junction/persistence';
import type { CredentialService, SealedCredential } from '@junction/security';
import type { OAuthTokenSet } from './oauth.client';

/** Credential purposes of the OAuth rows (stored values: renaming one is a data migration). */
export const OAUTH_TOKEN_PURPOSE = 'oauth-token';
export const OAUTH_PKCE_PURPOSE = 'oauth-pkce';

/** What one 'oauth-token' credential row seals (JSON): both tokens of a grant, replaced together. */
export interface SealedTokens {
  accessToken: string;
  refreshToken?: string;
}

/**
 * Seals a token set in ONE new credential row; `previous.refreshToken` is the grant's refresh token, kept when the
 * provider did not rotate it (LinkedIn) and replaced when it did. The row expires with the refresh token (or the
 * access token when there is none).
 */
export function sealTokens(
  credentials: CredentialService,
  tx: Tx,
  tenantId: string,
  tokens: OAuthTokenSet,
  previous: { refreshToken?: string; refreshExpiresAt: Date | null } | undefined,
  now: Date,
): Promise<string> {
  const refreshToken = tokens.refreshToken ?? previous?.refreshToken;
  const sealed: SealedTokens = { accessToken: tokens.accessToken, ...(refreshToken ? { refreshToken } : {}) };
  const fields = tokenFields(tokens, previous?.refreshExpiresAt ?? null, now);
  return credentials.store(tx, { tenantId, purpose: OAUTH_TOKEN_PURPOSE, plaintext: JSON.stringify(sealed), expiresAt: fields.refreshExpiresAt ?? fields.accessExpiresAt });
}

export function openTokens(credentials: CredentialService, row: SealedCredential): SealedTokens {
  return JSON.parse(credentials.reveal(row)) as SealedTokens;
}

/**
 * The oauth_token columns of a token set. A refresh that returns no refresh_token_expires_in keeps the previous
 * refresh expiry (`previousRefreshExpiresAt`): LinkedIn never extends a refresh token's life.
 */
export function tokenFields(tokens: OAuthTokenSet, previousRefreshExpiresAt: Date | null, now: Date) {
  return {
    tokenType: tokens.tokenType,
    scope: tokens.scope ?? null,
    accessExpiresAt: tokens.expiresInSeconds === undefined ? null : new Date(now.getTime() + tokens.expiresInSeconds * 1000),
    refreshExpiresAt: tokens.refreshExpiresInSeconds === undefined ? previousRefreshExpiresAt : new Date(now.getTime() + tokens.refreshExpiresInSeconds * 1000),
  };
}
