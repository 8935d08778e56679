import { RedditClient, RedditMcpClient, type RedditPort } from '@junction/connectors/reddit';
import {
  ConnectionClients,
  connectionTimeoutMs,
  providerMcpCallTool,
  requiredConfigString,
  usesMcp,
  type ConnectionFallback,
  type ConnectionResolver,
  type ResolvedConnection,
} from '@junction/integrations';
import type { McpClients } from '@junction/mcp';
import { IntegrationError } from '@junction/resilience';

export interface RedditClientsOptions {
  fallback: ConnectionFallback<RedditPort>;
  resolver?: ConnectionResolver;
  /** For connections whose config names none. */
  userAgent: string;
  timeoutMs: number;
  /** For `transport: mcp` connections: the process's MCP client pool and the stdio commands the operator allows. */
  mcp?: RedditMcpOptions;
}

export interface RedditMcpOptions {
  clients: McpClients;
  /** MCP_STDIO_COMMANDS: what a stdio connection's `config.mcp.command` may be (exact match). */
  stdioCommands: readonly string[];
}

/**
 * One RedditPort per reddit connection version:
 * - `transport: rest` (the default): a RedditClient (one token cache and one view of X-Ratelimit-*); the connection's
 *   api_key credential is the app's client id + secret, its config the hosts and the User-Agent;
 * - `transport: mcp`: a RedditMcpClient over the connection's pooled McpClient (no pipeline of its own: RedditReader
 *   wraps every page in the analyzer's). The MCP server holds the Reddit app's credentials: an HTTP server gets the
 *   connection's apiKey in its `apiKeyHeader` (X-API-Key), a stdio server the client id and secret as the environment
 *   variables `config.mcp.secretEnv` names ({"REDDIT_CLIENT_ID": "apiKey", "REDDIT_CLIENT_SECRET": "apiSecret"}).
 *   Only the reads are remote: sentiment, trends and insights are computed here either way.
 */
export class RedditClients extends ConnectionClients<RedditPort> {
  constructor(options: RedditClientsOptions) {
    super({
      typeSlug: 'reddit',
      label: 'Reddit',
      fallback: options.fallback,
      resolver: options.resolver,
      build: (resolved) => (usesMcp(resolved) ? buildMcpClient(resolved, options) : buildClient(resolved, options)),
    });
  }
}

function buildClient(resolved: ResolvedConnection, options: RedditClientsOptions): RedditClient {
  const secret = resolved.secret;
  if (secret?.authMethod !== 'api_key' || !secret.apiSecret) {
    throw new IntegrationError('auth', `Reddit connection ${resolved.id} needs an api_key credential with apiKey = client id and apiSecret = client secret`, {
      provider: 'reddit',
      operation: 'connect',
    });
  }
  return new RedditClient({
    authBaseUrl: requiredConfigString(resolved, 'authBaseUrl') ?? 'https://www.reddit.com',
    apiBaseUrl: requiredConfigString(resolved, 'apiBaseUrl') ?? 'https://oauth.reddit.com',
    clientId: secret.apiKey,
    clientSecret: secret.apiSecret,
    userAgent: requiredConfigString(resolved, 'userAgent') ?? options.userAgent,
    timeoutMs: connectionTimeoutMs(resolved, options.timeoutMs),
  });
}

function buildMcpClient(resolved: ResolvedConnection, options: RedditClientsOptions): RedditMcpClient {
  const mcp = options.mcp;
  if (!mcp) throw new IntegrationError('auth', `Reddit connection ${resolved.id}: transport mcp is not available in this worker`, { provider: 'reddit', operation: 'connect' });
  // INVALID_CONFIG / MCP_COMMAND_NOT_ALLOWED leave as ConnectionError: dead-lettered with that code (ConnectionClients).
  // The attempt's budget (and the command's deadline) bounds the call, and on first use the server's start.
  const timeoutMs = connectionTimeoutMs(resolved, options.timeoutMs);
  return new RedditMcpClient({ callTool: providerMcpCallTool(mcp.clients, resolved, { integrations: { mcpStdioCommands: mcp.stdioCommands }, timeoutMs, clientName: 'junction-reddit-analyzer' }) });
}
