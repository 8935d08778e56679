import { ErpNextClient } from '@junction/connectors/erpnext';
import { ConnectionClients, connectionTimeoutMs, requiredConfigString, type ConnectionFallback, type ConnectionResolver, type ConnectionTarget, type ResolvedConnection } from '@junction/integrations';
import { IntegrationError } from '@junction/resilience';

export { UnresolvedConnectionError } from '@junction/integrations';

/** The ERPNext client a command runs on, and the key its resilience pipeline (breaker, rate limits) is kept under. */
export type ErpNextTarget = ConnectionTarget<ErpNextClient>;
export type ErpNextFallback = ConnectionFallback<ErpNextClient>;

export interface ErpNextConnectionsOptions {
  fallback: ErpNextFallback;
  /** Default request budget for connections whose config names none. */
  timeoutMs: number;
  /** Absent without JUNCTION_KEK: connection rows cannot be opened. */
  resolver?: ConnectionResolver;
}

/** erp-worker's ERPNext clients: one per `erpnext` connection (api_key with apiSecret, or basic), else the fallback. */
export class ErpNextConnections extends ConnectionClients<ErpNextClient> {
  constructor(options: ErpNextConnectionsOptions) {
    super({
      typeSlug: 'erpnext',
      label: 'ERPNext',
      fallback: options.fallback,
      resolver: options.resolver,
      build: (resolved) => new ErpNextClient({ ...credentialsOf(resolved), timeoutMs: connectionTimeoutMs(resolved, options.timeoutMs) }),
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
