export { IntegrationsModule } from './integrations.module';
export { INTEGRATIONS_OPTIONS, parseCommandList } from './integrations.options';
export type { IntegrationsOptions } from './integrations.options';
export * from './connections/connection.types';
export { CONNECTION_SECRET_PURPOSE, ConnectionSecretStore, connectionSecretSchemas } from './connections/connection-secret.store';

// Catalog and connections (admin API, CLI)
export { INTEGRATION_TYPE_DEFINITIONS, INTEGRATION_TYPES, IntegrationCatalog, LINKEDIN_OAUTH_DEFAULTS } from './catalog/integration-catalog';
export type { IntegrationTypeSearch, IntegrationTypeView } from './catalog/integration-catalog';
export { ConnectionProbe } from './connections/connection-probe';
export { ConnectionService } from './connections/connection.service';
export type { ConnectResult } from './connections/connection.service';
export {
  connectionCreateSchema,
  connectionListQuerySchema,
  connectionUpdateSchema,
  credentialRotateSchema,
  healthQuerySchema,
  logsQuerySchema,
} from './connections/connection.schemas';
export type { ConnectionEventView, ConnectionHealthOverview, ConnectionHealthView, ConnectionLogsView, ConnectionView, HealthCheckView, HealthStatusView, HealthSummary } from './connections/connection.view';

// OAuth 2.0
export { OAuthFlowService } from './oauth/oauth-flow.service';
export { OAuthTokenManager } from './oauth/oauth-token.manager';
export { OAUTH_OPTIONS } from './oauth/oauth.options';
export type { OAuthOptions } from './oauth/oauth.options';
export { oauthEndpoints } from './oauth/oauth-endpoints';
export type { OAuthEndpoints } from './oauth/oauth-endpoints';
export { OAUTH_PKCE_PURPOSE, OAUTH_TOKEN_PURPOSE } from './oauth/oauth-tokens';

// Resolution (workers) and connection tests
export { ConnectionResolver, RESOLVED_TTL_MS } from './resolve/connection.resolver';
export { ConnectionClients, UnresolvedConnectionError, connectionTimeoutMs, requiredConfigString } from './resolve/connection-clients';
export type { ConnectionClientsOptions, ConnectionFallback, ConnectionTarget } from './resolve/connection-clients';
export { CONNECTION_PROBES, ConnectionTester, DEFAULT_TEST_TIMEOUT_MS, defaultProbes } from './probes/connection.tester';
export { ProbeFailure } from './probes/probe-failure';
export { ErpNextProbe } from './probes/providers/erpnext.probe';
export { CrmProbe } from './probes/providers/crm.probe';
export { LinkedInProbe, defaultLinkedInVersion } from './probes/providers/linkedin.probe';
export { RedditProbe } from './probes/providers/reddit.probe';
export { ShopifyProbe, DEFAULT_SHOPIFY_API_VERSION } from './probes/providers/shopify.probe';
export { MagentoProbe, RestProbe, WooCommerceProbe } from './probes/providers/commerce.probes';
export { McpProbe } from './probes/mcp/mcp.probe';
export { mcpTargetOf, providerMcpCallTool, usesMcp, PROVIDER_MCP_SERVER_SCHEMA, type ProviderMcpCallOptions } from './resolve/mcp-server.target';
