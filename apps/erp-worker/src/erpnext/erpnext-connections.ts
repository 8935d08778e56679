import { Logger } from '@nestjs/common';
import { ErpNextClient } from '@junction/connectors/erpnext';
import { ConnectionError, type ConnectionResolver, type ResolvedConnection } from '@junction/integrations';
import { IntegrationError } from '@junction/resilience';

/** The ERPNext client a command runs on, and the key its resilience pipeline (breaker, rate limits) is kept under. */
export interface ErpNextTarget {
  client: ErpNextClient;
  /** CallContext.connection: the connection id, or `sandbox` / `env` when no connection row is involved. */
  connection: string;
  /** null: the in-process sandbox or (without JUNCTION_KEK) the env credentials. */
  connectionId: string | null;
}

/** Where a command goes when its tenant has no ERPNext connection. */
export type ErpNextFallback =
  /** No credentials anywhere: the in-process sandbox (a demo or a test), for every tenant. */
  | { kind: 'sandbox'; client: ErpNextClient }
  /** JUNCTION_KEK unset: ERPNEXT_* for every command, as before connections existed. */
  | { kind: 'env'; client: ErpNextClient }
  /** ERPNEXT_* are TENANT_ID's connection: another tenant without a connection of its own gets NO_CONNECTION. */
  | { kind: 'none' };

export interface ErpNextConnectionsOptions {
  fallback: ErpNextFallback;
  /** Default request budget for connections whose config names none. */
  timeoutMs: number;
  /** Absent without JUNCTION_KEK: connection rows cannot be opened. */
  resolver?: ConnectionResolver;
}

/**
 * One ErpNextClient per connection and credential version: resolved per command (envelope `connectionId`, else the
 * tenant's default erpnext connection), built once, rebuilt when the connection's config or credential changes.
 * Calls in flight keep the client they started with, so a rotation never fails them.
 */
export class ErpNextConnections {
  private readonly logger = new Logger(ErpNextConnections.name);
  private readonly clients = new Map<string, { version: string; client: ErpNextClient }>();

  constructor(private readonly options: ErpNextConnectionsOptions) {}

  /**
   * The target for a command. Throws UnresolvedConnectionError (not retryable) when the command cannot run on any connection.
   */
  async forCommand(command: { tenantId: string; connectionId?: string }): Promise<ErpNextTarget> {
    try {
      const { resolver } = this.options;
      if (!resolver) {
        if (command.connectionId) throw new ConnectionError('NO_CONNECTION', 409, `the command names connection ${command.connectionId} but this erp-worker has no JUNCTION_KEK to open connections`);
        return this.clientFor(null);
      }
      return this.clientFor(await resolver.resolve(command.tenantId, 'erpnext', command.connectionId), command.tenantId);
    } catch (error) {
      // Retrying cannot find a connection that is not there: dead-letter at once (redrive once it is fixed).
      // Anything else (the database unavailable) stays retryable.
      if (error instanceof ConnectionError) throw new UnresolvedConnectionError(error.code, error.message);
      throw error;
    }
  }

  /** The client for a resolved connection (cached per id + version), or the fallback for null. */
  clientFor(resolved: ResolvedConnection | null, tenantId?: string): ErpNextTarget {
    if (!resolved) {
      const { fallback } = this.options;
      if (fallback.kind === 'none') throw new ConnectionError('NO_CONNECTION', 409, `tenant ${tenantId ?? '?'} has no ERPNext connection (create one, or make one the default)`);
      return { client: fallback.client, connection: fallback.kind, connectionId: null };
    }
    const version = resolved.version ?? 'unversioned';
    const cached = this.clients.get(resolved.id);
    if (cached && cached.version === version) return { client: cached.client, connection: resolved.id, connectionId: resolved.id };
    const client = new ErpNextClient({ ...credentialsOf(resolved), timeoutMs: timeoutOf(resolved, this.options.timeoutMs) });
    this.clients.set(resolved.id, { version, client });
    if (cached) this.logger.log(`connection ${resolved.id}: config or credential changed, new ERPNext client`);
    return { client, connection: resolved.id, connectionId: resolved.id };
  }
}

function credentialsOf(resolved: ResolvedConnection): { baseUrl: string; apiKey: string; apiSecret: string } {
  const baseUrl = resolved.config.baseUrl;
  if (typeof baseUrl !== 'string' || baseUrl === '') throw invalid(resolved, 'config.baseUrl is missing');
  const secret = resolved.secret;
  // Frappe reads Basic as api_key:api_secret too, so both map onto the client's `token key:secret`.
  if (secret?.authMethod === 'api_key' && secret.apiSecret) return { baseUrl, apiKey: secret.apiKey, apiSecret: secret.apiSecret };
  if (secret?.authMethod === 'basic') return { baseUrl, apiKey: secret.username, apiSecret: secret.password };
  throw invalid(resolved, `auth method ${resolved.authMethod} is not supported by erp-worker (use api_key with apiSecret, or basic)`);
}

function timeoutOf(resolved: ResolvedConnection, fallback: number): number {
  const t = resolved.config.timeoutMs;
  return typeof t === 'number' && Number.isFinite(t) && t >= 100 ? t : fallback;
}

function invalid(resolved: ResolvedConnection, what: string): IntegrationError {
  // Permanent and not the provider's fault: dead-lettered for an operator to fix the connection, then redriven.
  return new IntegrationError('auth', `ERPNext connection ${resolved.name} (${resolved.id}): ${what}`, { provider: 'erpnext', operation: 'resolveConnection' });
}

/**
 * A command whose connection cannot be used (CONNECTION_NOT_FOUND, CONNECTION_DISCONNECTED, REAUTH_REQUIRED,
 * NO_CONNECTION): `retryable: false`, so the consumer dead-letters it with `code` as the reason.
 */
export class UnresolvedConnectionError extends Error {
  override readonly name = 'UnresolvedConnectionError';
  readonly retryable = false;
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
