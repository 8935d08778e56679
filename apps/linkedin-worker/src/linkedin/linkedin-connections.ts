import { LinkedInClient, LinkedInMcpClient, type LinkedInPort, type LinkedInTokenProvider } from '@junction/connectors/linkedin';
import {
  ConnectionClients,
  ConnectionError,
  connectionTimeoutMs,
  defaultLinkedInVersion,
  providerMcpCallTool,
  requiredConfigString,
  UnresolvedConnectionError,
  usesMcp,
  type ConnectionFallback,
  type ConnectionResolver,
  type ResolvedConnection,
} from '@junction/integrations';
import type { McpClients } from '@junction/mcp';
import { IntegrationError } from '@junction/resilience';

const DEFAULT_API = 'https://api.linkedin.com';

/** A LinkedIn client (REST or MCP, behind one port) and the organization commands act on when they name none. */
export interface LinkedInAccount {
  client: LinkedInPort;
  /** From the connection's `config.organizationUrn` (or LINKEDIN_ORGANIZATION_ID / the sandbox's 1001). */
  organizationId?: number;
}

/** The LinkedIn client a command runs on, the key of its resilience pipeline, and the connection's default organization. */
export interface LinkedInTarget extends LinkedInAccount {
  /** CallContext.connection: the connection id, or `sandbox` / `env` when no connection row is involved. */
  connection: string;
  connectionId: string | null;
}

export type LinkedInFallback = ConnectionFallback<LinkedInAccount>;

export interface LinkedInConnectionsOptions {
  fallback: LinkedInFallback;
  timeoutMs: number;
  /** LINKEDIN_VERSION: used when a connection's config names no version. */
  version?: string;
  /** Absent without JUNCTION_KEK. */
  resolver?: ConnectionResolver;
  /** For `transport: mcp` connections: the process's MCP client pool and the stdio commands the operator allows. */
  mcp?: LinkedInMcpOptions;
  now?: () => Date;
}

export interface LinkedInMcpOptions {
  clients: McpClients;
  /** MCP_STDIO_COMMANDS: what a stdio connection's `config.mcp.command` may be (exact match). */
  stdioCommands: readonly string[];
}

/**
 * One LinkedInPort per `linkedin` connection version (ConnectionClients), else the fallback.
 * - `transport: rest` (the default): a LinkedInClient. For oauth2 connections the token provider is the resolver's
 *   `accessToken` (OAuthTokenManager: refresh before expiry and after a 401, one refresh per token across replicas); a
 *   grant that is dead surfaces as UnresolvedConnectionError REAUTH_REQUIRED.
 * - `transport: mcp`: a LinkedInMcpClient over the connection's pooled McpClient (no pipeline of its own: LinkedInCalls
 *   wraps every call in the worker's). The MCP server holds LinkedIn's credentials and their refresh; the connection's
 *   credential is a bearer token: sent to an HTTP server as `Authorization: Bearer`, or given to a stdio server as the
 *   environment variable `config.mcp.secretEnv` names (e.g. {"LINKEDIN_ACCESS_TOKEN": "token"}).
 */
export class LinkedInConnections {
  private readonly accounts: ConnectionClients<LinkedInAccount>;

  constructor(private readonly options: LinkedInConnectionsOptions) {
    this.accounts = new ConnectionClients({
      typeSlug: 'linkedin',
      label: 'LinkedIn',
      fallback: options.fallback,
      resolver: options.resolver,
      build: (resolved) => this.build(resolved),
    });
  }

  async forCommand(command: { tenantId: string; connectionId?: string }): Promise<LinkedInTarget> {
    const { client: account, connection, connectionId } = await this.accounts.forCommand(command);
    return { ...account, connection, connectionId };
  }

  private build(resolved: ResolvedConnection): LinkedInAccount {
    const organization = /^urn:li:organization:(\d+)$/.exec(requiredConfigString(resolved, 'organizationUrn') ?? '')?.[1];
    const client = usesMcp(resolved) ? this.mcpClient(resolved) : this.restClient(resolved);
    return { client, ...(organization ? { organizationId: Number(organization) } : {}) };
  }

  private restClient(resolved: ResolvedConnection): LinkedInClient {
    const baseUrl = requiredConfigString(resolved, 'apiBaseUrl') ?? DEFAULT_API;
    const version = requiredConfigString(resolved, 'version') ?? this.options.version ?? defaultLinkedInVersion((this.options.now ?? (() => new Date()))());
    return new LinkedInClient({ baseUrl, version, token: tokenProvider(resolved), timeoutMs: connectionTimeoutMs(resolved, this.options.timeoutMs) });
  }

  private mcpClient(resolved: ResolvedConnection): LinkedInMcpClient {
    const mcp = this.options.mcp;
    if (!mcp) throw invalid(resolved, 'transport mcp is not available in this worker');
    if (resolved.authMethod === 'oauth2') {
      // mcpTargetOf refuses OAuth for HTTP servers; a stdio child's environment is fixed at spawn and could not follow a refresh either.
      throw invalid(resolved, 'transport mcp: the LinkedIn MCP server holds the OAuth grant; give the connection a bearer credential (the server\'s token, or the member token for a stdio server\'s secretEnv)');
    }
    // INVALID_CONFIG / MCP_COMMAND_NOT_ALLOWED leave as ConnectionError: dead-lettered with that code (ConnectionClients).
    // The attempt's budget bounds the call (and, on first use, the server's start and initialize).
    const timeoutMs = connectionTimeoutMs(resolved, this.options.timeoutMs);
    return new LinkedInMcpClient({ callTool: providerMcpCallTool(mcp.clients, resolved, { integrations: { mcpStdioCommands: mcp.stdioCommands }, timeoutMs, clientName: 'junction-linkedin-worker' }) });
  }
}

function tokenProvider(resolved: ResolvedConnection): LinkedInTokenProvider {
  if (resolved.authMethod === 'oauth2') {
    const accessToken = resolved.accessToken;
    if (!accessToken) throw invalid(resolved, 'oauth2 connection without a token source (IntegrationsModule not loaded)');
    return async (rejected) => {
      try {
        return await accessToken(rejected ? { rejected } : {});
      } catch (error) {
        // REAUTH_REQUIRED (the refresh was rejected: connection marked, alert raised), no tokens yet, gone.
        if (error instanceof ConnectionError) throw new UnresolvedConnectionError(error.code, `LinkedIn: ${error.message}`);
        throw error;
      }
    };
  }
  const secret = resolved.secret;
  if (resolved.authMethod === 'bearer' && secret?.authMethod === 'bearer') {
    const token = secret.token;
    return () => Promise.resolve(token);
  }
  throw invalid(resolved, `auth method ${resolved.authMethod} is not supported by linkedin-worker (use oauth2, or bearer with a member token)`);
}

function invalid(resolved: ResolvedConnection, what: string): IntegrationError {
  return new IntegrationError('auth', `LinkedIn connection ${resolved.name} (${resolved.id}): ${what}`, { provider: 'linkedin', operation: 'resolveConnection' });
}
