import { ConnectionError, type ConnectionSecret, type ResolvedConnection } from '../../connections/connection.types';
import { ProbeFailure } from '../probe-failure';

/** The secret of `connection` when it is of `method`, else a config failure (the credential is missing). */
export function secretOf<M extends ConnectionSecret['authMethod']>(connection: ResolvedConnection, method: M, label: string): Extract<ConnectionSecret, { authMethod: M }> {
  const secret = connection.secret;
  if (!secret || secret.authMethod !== method) throw new ProbeFailure('config', `${label}: no ${method} credential is stored for this connection`);
  return secret as Extract<ConnectionSecret, { authMethod: M }>;
}

/** The OAuth access token (auth method oauth2): from the token manager, refreshed when near expiry. */
export async function oauthAccessToken(connection: ResolvedConnection, label: string, options?: { rejected?: string }): Promise<string> {
  if (!connection.accessToken) throw new ProbeFailure('config', `${label}: the connection has no OAuth token source (authorize it first)`);
  try {
    return await connection.accessToken(options);
  } catch (error) {
    // ConnectionError messages are written for users and carry no secret.
    if (error instanceof ConnectionError) return Promise.reject(new ProbeFailure('auth', `${label}: ${error.message}`));
    return Promise.reject(new ProbeFailure('auth', `${label}: could not obtain an OAuth access token`));
  }
}

/** A bearer token: the OAuth access token (oauth2) or the stored token (bearer / jwt). */
export async function bearerToken(connection: ResolvedConnection, label: string, options?: { rejected?: string }): Promise<string> {
  switch (connection.authMethod) {
    case 'oauth2':
      return oauthAccessToken(connection, label, options);
    case 'bearer':
      return secretOf(connection, 'bearer', label).token;
    case 'jwt':
      return secretOf(connection, 'jwt', label).token;
    default:
      throw new ProbeFailure('config', `${label}: auth method ${connection.authMethod} is not supported (use a bearer token or OAuth)`);
  }
}

/**
 * Request headers for the generic auth methods: api_key in `apiKeyHeader`, basic, bearer, jwt, oauth2 as a
 * Bearer token, none as nothing.
 */
export async function genericAuthHeaders(connection: ResolvedConnection, label: string, apiKeyHeader = 'X-API-Key'): Promise<Record<string, string>> {
  switch (connection.authMethod) {
    case 'none':
      return {};
    case 'api_key':
      return { [apiKeyHeader]: secretOf(connection, 'api_key', label).apiKey };
    case 'basic': {
      const { username, password } = secretOf(connection, 'basic', label);
      return { authorization: basic(username, password) };
    }
    case 'bearer':
    case 'jwt':
    case 'oauth2':
      return { authorization: `Bearer ${await bearerToken(connection, label)}` };
  }
}

export function basic(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}
