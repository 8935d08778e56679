import { Injectable, Logger, Optional } from '@nestjs/common';
import { ConnectionError, ConnectionResolver, type ResolvedConnection, UnresolvedConnectionError } from '@junction/integrations';
import type { McpClient } from '@junction/mcp';
import type { Connection } from '@junction/persistence';
import { MCP_CONNECTION_TYPES, McpConnectionRepository } from './mcp-connection.repository';
import { McpServerPool } from './mcp-server.pool';

/** A callable MCP connection and its (pooled) client. */
export interface McpSession {
  readonly connection: ResolvedConnection;
  readonly client: McpClient;
}

const NO_KEK = 'this mcp-gateway has no JUNCTION_KEK, so it cannot open any connection (set the key ring webhook-ingress uses, then redrive)';

/**
 * Which MCP connection a call runs on, opened (secret from the vault) with its pooled client.
 *
 * A command's connection: the envelope's `connectionId` when it names one (it must be one of the tenant's
 * mcp-stdio, mcp-http or mcp-sse connections: anything else is CONNECTION_NOT_FOUND), else the tenant's default MCP
 * connection. Defaults are kept per type (the first connection of a type becomes its default), so a tenant has up to
 * three; the default MCP connection is the one default among them. None is NO_CONNECTION; several (say a default
 * mcp-http and a default mcp-stdio) is MCP_CONNECTION_AMBIGUOUS rather than a guess: the command must name one.
 * Disconnected → CONNECTION_DISCONNECTED, reauth_required → REAUTH_REQUIRED, like every worker's resolver.
 *
 * Without JUNCTION_KEK (no ConnectionResolver in the app) nothing can be opened: commands get NO_CONNECTION.
 */
@Injectable()
export class McpConnections {
  private readonly logger = new Logger(McpConnections.name);

  constructor(
    private readonly rows: McpConnectionRepository,
    private readonly pool: McpServerPool,
    @Optional() private readonly resolver?: ConnectionResolver,
  ) {
    if (!resolver) this.logger.warn('JUNCTION_KEK is not set: mcp.tool.invoke is answered NO_CONNECTION and no MCP connection is federated into /mcp');
  }

  /** Whether connections can be opened at all (JUNCTION_KEK set). */
  get enabled(): boolean {
    return this.resolver !== undefined;
  }

  /** Throws UnresolvedConnectionError (not retryable: the command is dead-lettered and answered with its code). */
  async forCommand(command: { readonly tenantId: string; readonly connectionId?: string }): Promise<McpSession> {
    if (!this.resolver) throw new UnresolvedConnectionError('NO_CONNECTION', `MCP: ${NO_KEK}`);
    try {
      return await this.open(await this.rowFor(command.tenantId, command.connectionId));
    } catch (error) {
      if (error instanceof ConnectionError) throw new UnresolvedConnectionError(error.code, `MCP: ${error.message}`);
      throw error;
    }
  }

  /** The tenant's MCP connections that can be called, oldest first (none without JUNCTION_KEK). */
  async callable(tenantId: string): Promise<Connection[]> {
    return this.resolver ? this.rows.callable(tenantId) : [];
  }

  /**
   * Opens a connection row: status checked, secret opened, client from the pool. Throws ConnectionError
   * (CONNECTION_DISCONNECTED, REAUTH_REQUIRED, INVALID_CONFIG, MCP_COMMAND_NOT_ALLOWED, NO_CONNECTION).
   */
  async open(row: Connection): Promise<McpSession> {
    if (!this.resolver) throw new ConnectionError('NO_CONNECTION', 409, NO_KEK);
    if (row.status === 'disconnected') throw new ConnectionError('CONNECTION_DISCONNECTED', 409, `connection ${row.name} (${row.id}) is disconnected`);
    if (row.status === 'reauth_required') throw new ConnectionError('REAUTH_REQUIRED', 409, `connection ${row.name} (${row.id}) must be re-authorized`);
    const connection = await this.resolver.open(row);
    return { connection, client: this.pool.clientFor(connection) };
  }

  private async rowFor(tenantId: string, connectionId: string | undefined): Promise<Connection> {
    if (connectionId) {
      const row = await this.rows.findInTenant(tenantId, connectionId);
      if (!row) throw new ConnectionError('CONNECTION_NOT_FOUND', 404, `connection ${connectionId} not found (no ${MCP_CONNECTION_TYPES.join(', ')} connection with that id in this tenant)`);
      return row;
    }
    const defaults = await this.rows.defaults(tenantId);
    if (defaults.length === 1) return defaults[0]!;
    if (defaults.length === 0) {
      throw new ConnectionError('NO_CONNECTION', 409, `tenant ${tenantId} has no default MCP connection (create an ${MCP_CONNECTION_TYPES.join(', ')} connection, or name one with connectionId)`);
    }
    throw new AmbiguousConnectionError(
      `tenant ${tenantId} has a default connection of several MCP types (${defaults.map((d) => `${d.typeSlug} ${d.name} (${d.id})`).join(', ')}): name one with connectionId`,
    );
  }
}

/** Several default MCP connections: the command must name one. Not retryable (dead-lettered, answered with the code). */
export class AmbiguousConnectionError extends UnresolvedConnectionError {
  constructor(message: string) {
    super('MCP_CONNECTION_AMBIGUOUS', `MCP: ${message}`);
  }
}
