import { ManagementError } from '@junction/contracts';

/**
 * The vocabulary of the integration system (catalog, connections, credentials, tests, OAuth). Renaming a value
 * here is a data migration: these strings are stored in integration_type, connection and connection_event.
 */
export const IntegrationKinds = ['mcp', 'vendor', 'custom'] as const;
export type IntegrationKind = (typeof IntegrationKinds)[number];

export const AuthMethods = ['api_key', 'oauth2', 'basic', 'bearer', 'jwt', 'none'] as const;
export type AuthMethod = (typeof AuthMethods)[number];

export const ConnectionStatuses = ['configuring', 'connected', 'error', 'disconnected', 'reauth_required'] as const;
export type ConnectionStatus = (typeof ConnectionStatuses)[number];

export const ConnectionEventTypes = [
  'created',
  'connected',
  'disconnected',
  'tested',
  'error',
  'config_updated',
  'credential_rotated',
  'token_refreshed',
  'token_revoked',
  'reauth_required',
  'deleted',
  /** metrics-aggregator's scheduled checks: the health status or its reasons changed ({from, to, reasons}). */
  'health_changed',
] as const;
export type ConnectionEventType = (typeof ConnectionEventTypes)[number];

/** Why a connection test (or a call) failed, as an operator needs to tell them apart. */
export const ProbeErrorClasses = ['unreachable', 'timeout', 'auth', 'permission', 'protocol', 'rate_limited', 'config'] as const;
export type ProbeErrorClass = (typeof ProbeErrorClasses)[number];

/** A catalog entry as code declares it (libs/integrations/src/catalog); upserted into integration_type at start. */
export interface IntegrationTypeDefinition {
  slug: string;
  name: string;
  kind: IntegrationKind;
  category: string;
  description: string;
  /** The first is the default when a connection names none. */
  authMethods: readonly AuthMethod[];
  /** JSON Schema (draft 2020-12) a connection's config must satisfy; validated with Ajv. */
  configSchema: Record<string, unknown>;
  /** OAuth 2.0 authorization-code endpoints (auth method oauth2). A connection's config may override them (`oauth`). */
  oauth?: OAuthProviderDefaults;
}

export interface OAuthProviderDefaults {
  authorizationEndpoint: string;
  tokenEndpoint: string;
  revocationEndpoint?: string;
  scopes: readonly string[];
  /** How the client authenticates at the token endpoint (LinkedIn: client_secret_post). */
  clientAuth: 'client_secret_post' | 'client_secret_basic';
}

/**
 * The secret of a connection, by auth method: what is sealed in its credential row (as JSON). Never returned by
 * any API, CLI, log, trace or error. `oauth2` holds the app's client credentials; the member's tokens are in
 * oauth_token.
 */
export type ConnectionSecret =
  | { authMethod: 'api_key'; apiKey: string; apiSecret?: string }
  | { authMethod: 'basic'; username: string; password: string }
  | { authMethod: 'bearer'; token: string }
  | { authMethod: 'jwt'; token: string }
  | { authMethod: 'oauth2'; clientId: string; clientSecret: string }
  | { authMethod: 'none' };

/** A connection ready to call: its config and its opened secret. Lives in memory only, never serialized. */
export interface ResolvedConnection {
  id: string;
  tenantId: string;
  typeSlug: string;
  name: string;
  authMethod: AuthMethod;
  config: Record<string, unknown>;
  /** null: no credential stored (auth method none, or not configured yet). */
  secret: ConnectionSecret | null;
  /** Changes whenever the config or the credential does (`<updatedAt ms>:<credentialId>`): a key for per-connection client caches. */
  version?: string;
  /**
   * The current OAuth access token (auth method oauth2), refreshed by the token manager when near expiry.
   * Call it per request rather than keeping the value: a refresh by another replica replaces it. After a 401, pass
   * the token that was refused as `rejected`: the manager refreshes unless another caller already has.
   */
  accessToken?: (options?: { rejected?: string }) => Promise<string>;
}

/** The result of a connection test: the same shape over HTTP, CLI and in connection_health. */
export interface ConnectionTestResult {
  ok: boolean;
  latencyMs: number;
  /** What the connection was found able to do (ERPNext: the user; MCP: tools:<name> …). Empty on failure. */
  capabilities: string[];
  errorClass: ProbeErrorClass | null;
  /** A human sentence; never a secret, never a response body that could echo one. */
  message: string;
}

/** Tests one connection of a type. Implementations never throw: every failure is a result with an errorClass. */
export interface ConnectionProbe {
  readonly typeSlugs: readonly string[];
  test(connection: ResolvedConnection, options: { timeoutMs: number }): Promise<ConnectionTestResult>;
}

export type ConnectionErrorCode =
  | 'VALIDATION_FAILED'
  | 'UNKNOWN_INTEGRATION_TYPE'
  | 'INTEGRATION_TYPE_INACTIVE'
  | 'INVALID_CONFIG'
  | 'UNKNOWN_AUTH_METHOD'
  | 'AUTH_METHOD_NOT_SUPPORTED'
  | 'INVALID_CREDENTIAL'
  | 'CONNECTION_NOT_FOUND'
  | 'CONNECTION_NAME_TAKEN'
  | 'CONNECTION_DISCONNECTED'
  | 'NO_CONNECTION'
  | 'OAUTH_NOT_SUPPORTED'
  | 'OAUTH_AUTHORIZATION_REQUIRED'
  | 'OAUTH_STATE_INVALID'
  | 'OAUTH_AUTHORIZATION_FAILED'
  | 'OAUTH_EXCHANGE_FAILED'
  | 'REAUTH_REQUIRED'
  | 'MCP_COMMAND_NOT_ALLOWED';

export class ConnectionError extends ManagementError<ConnectionErrorCode> {
  override readonly name = 'ConnectionError';
}
