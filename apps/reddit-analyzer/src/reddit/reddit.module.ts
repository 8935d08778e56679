import { type DynamicModule, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { RedditClient, RedditSandbox, type RedditPort } from '@junction/connectors/reddit';
import { ConnectionResolver, parseCommandList, type ConnectionFallback } from '@junction/integrations';
import { McpClients } from '@junction/mcp';
import type { RedditAnalyzerEnv } from '../config/env';
import { RedditClients } from './reddit-clients';
import { RedditReader } from './reddit-reader';

const SANDBOX_CLIENT = 'sandbox-client';
const SANDBOX_SECRET = 'sandbox-secret';
/** The community the in-process sandbox is seeded with, so a demo has something to read. */
export const SANDBOX_SUBREDDIT = 'junction';

class RedditLifecycle implements OnApplicationShutdown {
  constructor(
    private readonly mcp: McpClients,
    private readonly sandbox?: RedditSandbox,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    // No stdio MCP server may outlive the analyzer.
    await Promise.allSettled([this.mcp.closeAll(), this.sandbox?.stop()]);
  }
}

/**
 * Reddit for the analyzer's use cases: RedditClients resolves each command's reddit connection (with JUNCTION_KEK)
 * and falls back to REDDIT_* — Reddit data is public, so the operator's app credentials serve tenants without a
 * connection of their own. Without any credentials it starts the Reddit sandbox in-process and says so loudly, so a
 * demo never passes for real Reddit data. A connection with `transport: mcp` reads through a Reddit MCP server instead,
 * over one pooled McpClient per connection version (McpClients, all closed at shutdown); stdio servers only from
 * MCP_STDIO_COMMANDS.
 */
@Module({})
export class RedditModule {
  static forRoot(env: RedditAnalyzerEnv): DynamicModule {
    const connectionsEnabled = env.JUNCTION_KEK !== undefined;
    const providers: Provider[] = [
      {
        provide: RedditSandbox,
        useFactory: async () => {
          if (env.REDDIT_CLIENT_ID) return undefined;
          const sandbox = new RedditSandbox({ clients: { [SANDBOX_CLIENT]: SANDBOX_SECRET } });
          sandbox.seedCorpus(SANDBOX_SUBREDDIT, { posts: 150 });
          const { url } = await sandbox.start(env.REDDIT_SANDBOX_PORT);
          new Logger(RedditModule.name).warn(
            `no Reddit credentials in env (REDDIT_CLIENT_ID/REDDIT_CLIENT_SECRET): reading the Reddit SANDBOX at ${url} (seeded r/${SANDBOX_SUBREDDIT}), NOT reddit.com` +
              (connectionsEnabled ? ', for tenants without a reddit connection' : ''),
          );
          return sandbox;
        },
      },
      { provide: McpClients, useFactory: () => new McpClients() },
      {
        provide: RedditClients,
        inject: [RedditSandbox, McpClients, { token: ConnectionResolver, optional: true }],
        useFactory: (sandbox: RedditSandbox | undefined, mcp: McpClients, resolver?: ConnectionResolver) => {
          const client = new RedditClient(
            sandbox
              ? { authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: SANDBOX_CLIENT, clientSecret: SANDBOX_SECRET, userAgent: env.REDDIT_USER_AGENT, timeoutMs: env.REDDIT_TIMEOUT_MS }
              : { authBaseUrl: env.REDDIT_AUTH_URL, apiBaseUrl: env.REDDIT_API_URL, clientId: env.REDDIT_CLIENT_ID!, clientSecret: env.REDDIT_CLIENT_SECRET!, userAgent: env.REDDIT_USER_AGENT, timeoutMs: env.REDDIT_TIMEOUT_MS },
          );
          const fallback: ConnectionFallback<RedditPort> = sandbox ? { kind: 'sandbox', client } : { kind: 'env', client };
          return new RedditClients({
            fallback,
            resolver: connectionsEnabled ? resolver : undefined,
            userAgent: env.REDDIT_USER_AGENT,
            timeoutMs: env.REDDIT_TIMEOUT_MS,
            mcp: { clients: mcp, stdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS) },
          });
        },
      },
      { provide: RedditLifecycle, inject: [McpClients, RedditSandbox], useFactory: (mcp: McpClients, sandbox?: RedditSandbox) => new RedditLifecycle(mcp, sandbox) },
      RedditReader,
    ];
    // Global: the posts and analysis capabilities share one sandbox, one client per connection (token, X-Ratelimit view).
    return { module: RedditModule, global: true, providers, exports: [RedditClients, RedditSandbox, RedditReader] };
  }
}
