import { Logger } from '@nestjs/common';
import { ConnectionError, type ResolvedConnection } from '../connections/connection.types';
import type { ConnectionResolver } from './connection.resolver';

/** The client a command runs on, and the key its resilience pipeline (breaker, rate limits) is kept under. */
export interface ConnectionTarget<T> {
  readonly client: T;
  /** CallContext.connection: the connection id, or `sandbox` / `env` when no connection row is involved. */
  readonly connection: string;
  /** null: the in-process sandbox or the env credentials. */
  readonly connectionId: string | null;
}

/** Where a command goes when its tenant has no connection of the type. */
export type ConnectionFallback<T> =
  /** No credentials anywhere: the in-process sandbox (a demo or a test), for every tenant. */
  | { readonly kind: 'sandbox'; readonly client: T }
  /** JUNCTION_KEK unset: the worker's env credentials for every command, as before connections existed. */
  | { readonly kind: 'env'; readonly client: T }
  /** The env credentials are TENANT_ID's connection: another tenant without a connection of its own gets NO_CONNECTION. */
  | { readonly kind: 'none' };

export interface ConnectionClientsOptions<T> {
  /** Integration type slug (catalog): `erpnext`, `hubspot`, `linkedin`, `reddit` … */
  readonly typeSlug: string;
  /** For messages: `ERPNext`, `CRM` … */
  readonly label: string;
  readonly fallback: ConnectionFallback<T>;
  /** Absent without JUNCTION_KEK: connection rows cannot be opened. */
  readonly resolver?: ConnectionResolver;
  /**
   * A client for a resolved connection. Throws a non-retryable error (IntegrationError 'auth') for a config or secret
   * it cannot use: dead-lettered for an operator to fix the connection, then redriven.
   */
  build(resolved: ResolvedConnection): T;
}

/**
 * One client per connection and credential version: resolved per command (envelope `connectionId`, else the tenant's
 * default connection of the type), built once, rebuilt when the connection's config or credential changes. Calls in
 * flight keep the client they started with, so a rotation never fails them.
 */
export class ConnectionClients<T> {
  private readonly logger: Logger;
  private readonly clients = new Map<string, { version: string; client: T }>();

  constructor(private readonly options: ConnectionClientsOptions<T>) {
    this.logger = new Logger(`ConnectionClients:${options.typeSlug}`);
  }

  /** The target for a command. Throws UnresolvedConnectionError (not retryable) when the command cannot run on any connection. */
  async forCommand(command: { readonly tenantId: string; readonly connectionId?: string }): Promise<ConnectionTarget<T>> {
    const { resolver, typeSlug, label } = this.options;
    try {
      if (!resolver) {
        if (command.connectionId) {
          throw new ConnectionError('NO_CONNECTION', 409, `the command names connection ${command.connectionId} but this worker has no JUNCTION_KEK to open connections`);
        }
        return this.clientFor(null, command.tenantId);
      }
      return this.clientFor(await resolver.resolve(command.tenantId, typeSlug, command.connectionId), command.tenantId);
    } catch (error) {
      // Retrying cannot find a connection that is not there: dead-letter at once (redrive once it is fixed).
      // Anything else (the database unavailable) stays retryable.
      if (error instanceof ConnectionError) throw new UnresolvedConnectionError(error.code, `${label}: ${error.message}`);
      throw error;
    }
  }

  /** The client for a resolved connection (cached per id + version), or the fallback for null. */
  clientFor(resolved: ResolvedConnection | null, tenantId: string): ConnectionTarget<T> {
    if (!resolved) {
      const { fallback, typeSlug, label } = this.options;
      if (fallback.kind === 'none') {
        throw new ConnectionError('NO_CONNECTION', 409, `tenant ${tenantId} has no ${label} connection (create a ${typeSlug} connection, or make one the default)`);
      }
      return { client: fallback.client, connection: fallback.kind, connectionId: null };
    }
    const version = resolved.version ?? 'unversioned';
    const cached = this.clients.get(resolved.id);
    if (cached && cached.version === version) return { client: cached.client, connection: resolved.id, connectionId: resolved.id };
    const client = this.options.build(resolved);
    this.clients.set(resolved.id, { version, client });
    if (cached) this.logger.log(`connection ${resolved.id}: config or credential changed, new client`);
    return { client, connection: resolved.id, connectionId: resolved.id };
  }
}

/**
 * A command whose connection cannot be used (CONNECTION_NOT_FOUND, CONNECTION_DISCONNECTED, REAUTH_REQUIRED,
 * NO_CONNECTION): `retryable: false`, so the consumer dead-letters it with `code` as the reason.
 */
export class UnresolvedConnectionError extends Error {
  override readonly name = 'UnresolvedConnectionError';
  readonly retryable = false;
  /** Not the provider's answer: the command's `<type>.failed` says `connection` (REAUTH_REQUIRED: `auth`). */
  readonly errorClass: 'connection' | 'auth';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.errorClass = code === 'REAUTH_REQUIRED' ? 'auth' : 'connection';
  }
}

/** A connection config value that must be a non-empty string. */
export function requiredConfigString(resolved: ResolvedConnection, key: string): string | undefined {
  const value = resolved.config[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** A connection's request budget (`config.timeoutMs`), or the worker's default. */
export function connectionTimeoutMs(resolved: ResolvedConnection, fallback: number): number {
  const t = resolved.config.timeoutMs;
  return typeof t === 'number' && Number.isFinite(t) && t >= 100 ? t : fallback;
}
