import { ErpNextClient, type ErpNextPort } from '@junction/connectors/erpnext';
import {
  ConnectionClients,
  connectionTimeoutMs,
  requiredConfigString,
  usesMcp,
  type ConnectionFallback,
  type ConnectionResolver,
  type ConnectionTarget,
  type ResolvedConnection,
} from '@junction/integrations';
import { IntegrationError } from '@junction/resilience';
import type { ErpNextMcpSessions } from './erpnext-mcp-sessions';

export { UnresolvedConnectionError } from '@junction/integrations';

/** The ERPNext port a command runs on, and the key its resilience pipeline (breaker, rate limits) is kept under. */
export type ErpNextTarget = ConnectionTarget<ErpNextPort>;
export type ErpNextFallback = ConnectionFallback<ErpNextPort>;

export interface ErpNextConnectionsOptions {
  fallback: ErpNextFallback;
  /** Default request budget for connections whose config names none. */
  timeoutMs: number;
  /** Absent without JUNCTION_KEK: connection rows cannot be opened. */
  resolver?: ConnectionResolver;
  /** Connections with `config.transport: "mcp"`. Absent: such a connection's commands are dead-lettered. */
  mcp?: ErpNextMcpSessions;
}

/**
 * erp-worker's ERPNext ports: one per `erpnext` connection, else the fallback. `config.transport` chooses the
 * adapter: `rest` (the default) the Frappe REST client (api_key with apiSecret, or basic), `mcp` the connection's
 * ERPNext MCP server (ErpNextMcpSessions). The use cases cannot tell them apart.
 */
export class ErpNextConnections extends ConnectionClients<ErpNextPort> {
  constructor(options: ErpNextConnectionsOptions) {
    super({
      typeSlug: 'erpnext',
      label: 'ERPNext',
      fallback: options.fallback,
      resolver: options.resolver,
      build: (resolved) => {
        const timeoutMs = connectionTimeoutMs(resolved, options.timeoutMs);
        if (!usesMcp(resolved)) return new ErpNextClient({ ...credentialsOf(resolved), timeoutMs });
        if (!options.mcp) throw invalid(resolved, 'transport mcp is not available in this worker');
        return options.mcp.clientFor(resolved, timeoutMs);
      },
    });
  }
}

function credentialsOf(resolved: ResolvedConnection): { baseUrl: string; apiKey: string; apiSecret: string } {
  const baseUrl = requiredConfigString(resolved, 'baseUrl');
  if (!baseUrl) throw invalid(resolved, 'config.baseUrl is missing');
  const secret = resolved.secret;
  // Frappe reads Basic as api_key:api_secret too, so both map onto the client's `token key:secret`.
  if (secret?.authMethod === 'api_key' && secret.apiSecret) return { baseUrl, apiKey: secret.apiKey, apiSecret: secret.apiSecret };
  if (secret?.authMethod === 'basic') return { baseUrl, apiKey: secret.username, apiSecret: secret.password };
  throw invalid(resolved, `auth method ${resolved.authMethod} is not supported by erp-worker (use api_key with apiSecret, or basic)`);
}

function invalid(resolved: ResolvedConnection, what: string): IntegrationError {
  // Permanent and not the provider's fault: dead-lettered for an operator to fix the connection, then redriven.
  return new IntegrationError('auth', `ERPNext connection ${resolved.name} (${resolved.id}): ${what}`, { provider: 'erpnext', operation: 'resolveConnection' });
}
