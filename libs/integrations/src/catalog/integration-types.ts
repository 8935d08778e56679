import type { IntegrationTypeDefinition } from '../connections/connection.types';
import { MCP_REMOTE_SERVER_PROPERTIES, MCP_STDIO_SERVER_PROPERTIES, providerTransportSchema } from '../resolve/mcp-server.target';

/*
 * The catalog as code declares it: upserted into integration_type at start (IntegrationCatalog.sync). The config
 * field names are a contract: the connection tests (probes) and the workers read exactly these. Renaming one needs
 * a data migration of connection.config. Schemas are closed (additionalProperties: false) so a misspelt field is a
 * 400 naming it, not a setting silently ignored.
 */

const url = (description: string, fallback?: string) => ({ type: 'string', format: 'uri', description, ...(fallback === undefined ? {} : { default: fallback }) });
const timeoutMs = { type: 'integer', minimum: 100, maximum: 120_000, description: 'per-request timeout in milliseconds' };

function schema(properties: Record<string, unknown>, required: string[] = []): Record<string, unknown> {
  return { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties, required, additionalProperties: false };
}

/** A provider type whose worker can call its REST API or an MCP server (`transport: rest | mcp`, `mcp`). */
function providerSchema(properties: Record<string, unknown>, restRequired: string[] = []): Record<string, unknown> {
  const transport = providerTransportSchema(restRequired);
  return { ...schema({ ...properties, ...transport.properties }), ...transport.rules };
}

export const LINKEDIN_OAUTH_DEFAULTS = {
  authorizationEndpoint: 'https://www.linkedin.com/oauth/v2/authorization',
  tokenEndpoint: 'https://www.linkedin.com/oauth/v2/accessToken',
  revocationEndpoint: 'https://www.linkedin.com/oauth/v2/revoke',
  scopes: ['r_organization_admin', 'w_organization_social', 'rw_organization_admin'],
  clientAuth: 'client_secret_post',
} as const;

/** A connection's `config.oauth`: overrides the type's OAuth endpoints and scopes (a sandbox, a narrower scope set). */
const oauthOverrides = {
  type: 'object',
  description: 'OAuth 2.0 overrides of the type defaults',
  properties: {
    authorizationEndpoint: url('authorization endpoint'),
    tokenEndpoint: url('token endpoint'),
    revocationEndpoint: url('revocation endpoint'),
    scopes: { type: 'array', items: { type: 'string', minLength: 1 }, uniqueItems: true },
  },
  additionalProperties: false,
};

const mcpRemote = schema({ ...MCP_REMOTE_SERVER_PROPERTIES }, ['url']);

export const INTEGRATION_TYPES: readonly IntegrationTypeDefinition[] = [
  {
    slug: 'erpnext',
    name: 'ERPNext',
    kind: 'vendor',
    category: 'erp',
    description: 'ERPNext / Frappe site: customers, items, sales orders, stock (REST /api/resource, token auth).',
    authMethods: ['api_key', 'basic', 'bearer'],
    configSchema: providerSchema({ baseUrl: url('the site, e.g. https://erp.example.com'), timeoutMs }, ['baseUrl']),
  },
  {
    slug: 'crm',
    name: 'HubSpot-style CRM',
    kind: 'vendor',
    category: 'crm',
    description: 'CRM with the HubSpot v3 objects API: contacts, leads, deals, pipelines (private app token or OAuth).',
    authMethods: ['bearer', 'oauth2'],
    configSchema: providerSchema({ baseUrl: url('API base URL', 'https://api.hubapi.com') }),
  },
  {
    slug: 'linkedin',
    name: 'LinkedIn',
    kind: 'vendor',
    category: 'social',
    description: 'LinkedIn Marketing API for an organization page: posts and share statistics (3-legged OAuth 2.0).',
    authMethods: ['oauth2', 'bearer'],
    configSchema: providerSchema({
      apiBaseUrl: url('API base URL', 'https://api.linkedin.com'),
      organizationUrn: { type: 'string', pattern: '^urn:li:organization:[0-9]+$', description: 'urn:li:organization:<id>' },
      version: { type: 'string', pattern: '^[0-9]{6}$', description: 'LinkedIn-Version header, YYYYMM' },
      oauth: oauthOverrides,
    }),
    oauth: LINKEDIN_OAUTH_DEFAULTS,
  },
  {
    slug: 'reddit',
    name: 'Reddit',
    kind: 'vendor',
    category: 'social',
    description: 'Reddit API (application-only OAuth: apiKey = client id, apiSecret = client secret); listings and comments.',
    authMethods: ['api_key'],
    configSchema: providerSchema(
      {
        authBaseUrl: url('token host', 'https://www.reddit.com'),
        apiBaseUrl: url('API host', 'https://oauth.reddit.com'),
        userAgent: { type: 'string', minLength: 3, maxLength: 256, description: 'a unique User-Agent (Reddit requires one)' },
      },
      ['userAgent'],
    ),
  },
  {
    slug: 'shopify',
    name: 'Shopify',
    kind: 'vendor',
    category: 'commerce',
    description: 'Shopify Admin REST API of one shop (access token sent as X-Shopify-Access-Token): orders, inventory.',
    authMethods: ['bearer'],
    configSchema: schema(
      {
        baseUrl: url('the shop, https://<shop>.myshopify.com'),
        apiVersion: { type: 'string', pattern: '^[0-9]{4}-[0-9]{2}$', default: '2025-07', description: 'Admin API version, YYYY-MM' },
      },
      ['baseUrl'],
    ),
  },
  {
    slug: 'woocommerce',
    name: 'WooCommerce',
    kind: 'vendor',
    category: 'commerce',
    description: 'WooCommerce REST API (consumer key and secret as basic auth): orders, products.',
    authMethods: ['basic'],
    configSchema: schema({ baseUrl: url('the store, e.g. https://shop.example.com') }, ['baseUrl']),
  },
  {
    slug: 'magento',
    name: 'Magento / Adobe Commerce',
    kind: 'vendor',
    category: 'commerce',
    description: 'Magento 2 REST API with an integration access token: orders, products, stock.',
    authMethods: ['bearer'],
    configSchema: schema({ baseUrl: url('the store, e.g. https://shop.example.com') }, ['baseUrl']),
  },
  {
    slug: 'rest',
    name: 'Generic REST API',
    kind: 'custom',
    category: 'devtools',
    description: 'Any HTTP API: a base URL, a health path for the connection test, and one of the common auth schemes.',
    authMethods: ['none', 'api_key', 'basic', 'bearer', 'jwt'],
    configSchema: schema(
      {
        baseUrl: url('API base URL'),
        healthPath: { type: 'string', pattern: '^/', default: '/', description: 'path the connection test GETs' },
        apiKeyHeader: { type: 'string', pattern: "^[!#$%&'*+.^_`|~0-9A-Za-z-]+$", default: 'X-API-Key', description: 'header carrying the API key (auth api_key)' },
      },
      ['baseUrl'],
    ),
  },
  {
    slug: 'mcp-stdio',
    name: 'MCP server (stdio)',
    kind: 'mcp',
    category: 'devtools',
    description: 'Model Context Protocol server started as a local process speaking JSON-RPC over stdin/stdout.',
    // A secret reaches the process as environment variables named by config.secretEnv.
    authMethods: ['none', 'api_key', 'basic', 'bearer'],
    configSchema: schema({ ...MCP_STDIO_SERVER_PROPERTIES }, ['command']),
  },
  {
    slug: 'mcp-http',
    name: 'MCP server (Streamable HTTP)',
    kind: 'mcp',
    category: 'devtools',
    description: 'Remote Model Context Protocol server over Streamable HTTP (the current transport).',
    authMethods: ['none', 'bearer', 'api_key'],
    configSchema: mcpRemote,
  },
  {
    slug: 'mcp-sse',
    name: 'MCP server (SSE, legacy)',
    kind: 'mcp',
    category: 'devtools',
    description: 'Remote Model Context Protocol server over the legacy HTTP+SSE transport.',
    authMethods: ['none', 'bearer', 'api_key'],
    configSchema: mcpRemote,
  },
];
