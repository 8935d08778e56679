import { ErpNextClient, type ErpNextPort } from '@junction/connectors/erpnext';
import { HubSpotClient } from '@junction/connectors/crm';
import { ConnectionClients, connectionTimeoutMs, requiredConfigString, usesMcp, type ConnectionResolver, type ResolvedConnection } from '@junction/integrations';
import { IntegrationError } from '@junction/resilience';
import type { BatchJobsEnv } from '../../config/batch-jobs-env';

const HUBSPOT_API = 'https://api.hubapi.com';

/**
 * The ERPNext clients batch reads run on: with JUNCTION_KEK the tenant's default `erpnext` connection (erp-worker
 * registers its ERPNEXT_* as TENANT_ID's `erpnext-env`), without it ERPNEXT_*; else none: the run fails with NO_CONNECTION.
 * REST only: a connection on an ERPNext MCP server is refused with a clear message (listing through MCP is not built).
 */
export function erpNextClients(env: BatchJobsEnv, resolver?: ConnectionResolver): ConnectionClients<ErpNextPort> {
  const envClient = env.ERPNEXT_URL
    ? new ErpNextClient({ baseUrl: env.ERPNEXT_URL, apiKey: env.ERPNEXT_API_KEY!, apiSecret: env.ERPNEXT_API_SECRET!, timeoutMs: env.ERPNEXT_TIMEOUT_MS })
    : undefined;
  return new ConnectionClients<ErpNextPort>({
    typeSlug: 'erpnext',
    label: 'ERPNext',
    resolver,
    fallback: envClient && !resolver ? { kind: 'env', client: envClient } : { kind: 'none' },
    build: (resolved) => {
      if (usesMcp(resolved)) throw invalid('erpnext', resolved, 'transport mcp is not supported by batch jobs (use a REST connection)');
      const baseUrl = requiredConfigString(resolved, 'baseUrl');
      if (!baseUrl) throw invalid('erpnext', resolved, 'config.baseUrl is missing');
      const secret = resolved.secret;
      const timeoutMs = connectionTimeoutMs(resolved, env.ERPNEXT_TIMEOUT_MS);
      if (secret?.authMethod === 'api_key' && secret.apiSecret) return new ErpNextClient({ baseUrl, apiKey: secret.apiKey, apiSecret: secret.apiSecret, timeoutMs });
      if (secret?.authMethod === 'basic') return new ErpNextClient({ baseUrl, apiKey: secret.username, apiSecret: secret.password, timeoutMs });
      throw invalid('erpnext', resolved, `auth method ${resolved.authMethod} is not supported (use api_key with apiSecret, or basic)`);
    },
  });
}

/** The CRM clients batch reads run on: the tenant's default `crm` connection, else CRM_* as above. */
export function crmClients(env: BatchJobsEnv, resolver?: ConnectionResolver): ConnectionClients<HubSpotClient> {
  const envClient = env.CRM_URL ? new HubSpotClient({ baseUrl: env.CRM_URL, token: env.CRM_ACCESS_TOKEN!, timeoutMs: env.CRM_TIMEOUT_MS }) : undefined;
  return new ConnectionClients<HubSpotClient>({
    typeSlug: 'crm',
    label: 'CRM',
    resolver,
    fallback: envClient && !resolver ? { kind: 'env', client: envClient } : { kind: 'none' },
    build: (resolved) => {
      const baseUrl = requiredConfigString(resolved, 'baseUrl') ?? HUBSPOT_API;
      const timeoutMs = connectionTimeoutMs(resolved, env.CRM_TIMEOUT_MS);
      if (resolved.secret?.authMethod === 'bearer') return new HubSpotClient({ baseUrl, token: resolved.secret.token, timeoutMs });
      if (resolved.authMethod === 'oauth2' && resolved.accessToken) return new HubSpotClient({ baseUrl, token: resolved.accessToken, timeoutMs });
      throw invalid('crm', resolved, `auth method ${resolved.authMethod} is not usable (use bearer with a private-app token, or oauth2)`);
    },
  });
}

function invalid(provider: string, resolved: ResolvedConnection, what: string): IntegrationError {
  return new IntegrationError('auth', `connection ${resolved.name} (${resolved.id}): ${what}`, { provider, operation: 'connection.open' });
}
