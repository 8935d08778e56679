import { Injectable, Logger, Optional } from '@nestjs/common';
import { type Connection, ConnectionRepository } from '@junction/persistence';
import { ConnectionSecretStore } from '../connections/connection-secret.store';
import { ConnectionError, type AuthMethod, type ConnectionSecret, type ResolvedConnection } from '../connections/connection.types';
import { OAuthTokenManager } from '../oauth/oauth-token.manager';

/** How long an opened secret is reused without re-checking the vault (the row itself is read on every resolve). */
export const RESOLVED_TTL_MS = 60_000;
const MAX_CACHED = 1_000;

interface Cached {
  version: string;
  resolved: ResolvedConnection;
  expiresAt: number;
}

/**
 * Finds the connection a worker's call runs on and opens it: its config and its secret, and for OAuth a token
 * source. Every resolve reads the connection row (one indexed query), so a disconnect, a config change or a
 * credential rotation is seen by the next call; opening the secret (a vault decrypt) is cached per
 * (id, updatedAt, credentialId) for RESOLVED_TTL_MS. A rotation is without downtime: calls in flight keep the
 * ResolvedConnection they were given (the old secret), the next resolve opens the new one.
 */
@Injectable()
export class ConnectionResolver {
  private readonly logger = new Logger(ConnectionResolver.name);
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly connections: ConnectionRepository,
    private readonly secrets: ConnectionSecretStore,
    // Optional: a process without OAuth (or before it is wired) resolves oauth2 connections without a token source.
    @Optional() private readonly tokens?: OAuthTokenManager,
  ) {}

  /**
   * connectionId given → must be the tenant's and of typeSlug (else CONNECTION_NOT_FOUND 404); else the tenant's
   * default connection of typeSlug; null when the tenant has none of that type (the worker decides: sandbox or
   * NO_CONNECTION). Status disconnected → CONNECTION_DISCONNECTED; reauth_required → REAUTH_REQUIRED.
   */
  async resolve(tenantId: string, typeSlug: string, connectionId?: string): Promise<ResolvedConnection | null> {
    const row = connectionId ? await this.connections.findInTenant(tenantId, connectionId) : await this.connections.findDefault(tenantId, typeSlug);
    if (connectionId && (!row || row.typeSlug !== typeSlug)) {
      throw new ConnectionError('CONNECTION_NOT_FOUND', 404, `connection ${connectionId} not found (no ${typeSlug} connection with that id in this tenant)`);
    }
    if (!row) return null;
    if (row.status === 'disconnected') throw new ConnectionError('CONNECTION_DISCONNECTED', 409, `connection ${row.name} (${row.id}) is disconnected`);
    if (row.status === 'reauth_required') throw new ConnectionError('REAUTH_REQUIRED', 409, `connection ${row.name} (${row.id}) must be re-authorized`);
    return this.open(row);
  }

  /** Opens a connection row already found (admin test): secret opened, accessToken wired for oauth2. No status check. */
  async open(connection: Connection): Promise<ResolvedConnection> {
    const version = versionOf(connection);
    const now = Date.now();
    const cached = this.cache.get(connection.id);
    if (cached && cached.version === version && cached.expiresAt > now) return cached.resolved;

    let row = connection;
    let secret = row.credentialId ? await this.secrets.open(row.credentialId) : null;
    if (row.credentialId && !secret) {
      // The credential was replaced (and the old row deleted) between our read of the connection and the open: read again.
      row = (await this.connections.findById(connection.id)) ?? connection;
      secret = row.credentialId ? await this.secrets.open(row.credentialId) : null;
      if (row.credentialId && !secret) this.logger.warn(`connection ${row.id}: its credential row is missing`);
    }
    const resolved = this.build(row, secret);
    this.remember(row.id, { version: versionOf(row), resolved, expiresAt: now + RESOLVED_TTL_MS });
    return resolved;
  }

  private build(row: Connection, secret: ConnectionSecret | null): ResolvedConnection {
    const tokens = this.tokens;
    const id = row.id;
    return Object.freeze({
      id,
      tenantId: row.tenantId,
      typeSlug: row.typeSlug,
      name: row.name,
      authMethod: row.authMethod as AuthMethod,
      config: Object.freeze({ ...(row.config as Record<string, unknown>) }),
      secret,
      version: versionOf(row),
      ...(row.authMethod === 'oauth2' && tokens ? { accessToken: (options?: { rejected?: string }) => tokens.accessToken(id, options) } : {}),
    });
  }

  private remember(id: string, entry: Cached): void {
    this.cache.delete(id);
    this.cache.set(id, entry);
    // Insertion order is recency order: drop the oldest beyond the bound.
    while (this.cache.size > MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
  }
}

function versionOf(row: Pick<Connection, 'updatedAt' | 'credentialId'>): string {
  return `${row.updatedAt.getTime()}:${row.credentialId ?? 'none'}`;
}
