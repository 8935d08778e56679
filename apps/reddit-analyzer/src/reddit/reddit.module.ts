import { type DynamicModule, Logger, Module, type OnApplicationShutdown, type Provider } from '@nestjs/common';
import { RedditClient, RedditSandbox } from '@junction/connectors/reddit';
import { ConnectionResolver, type ConnectionFallback } from '@junction/integrations';
import type { RedditAnalyzerEnv } from '../config/env';
import { RedditClients } from './reddit-clients';
import { RedditReader } from './reddit-reader';

const SANDBOX_CLIENT = 'sandbox-client';
const SANDBOX_SECRET = 'sandbox-secret';
/** The community the in-process sandbox is seeded with, so a demo has something to read. */
export const SANDBOX_SUBREDDIT = 'junction';

class SandboxLifecycle implements OnApplicationShutdown {
  constructor(private readonly sandbox?: RedditSandbox) {}
  async onApplicationShutdown(): Promise<void> {
    await this.sandbox?.stop();
  }
}

/**
 * Reddit for the analyzer's use cases: RedditClients resolves each command's reddit connection (with JUNCTION_KEK)
 * and falls back to REDDIT_* — Reddit data is public, so the operator's app credentials serve tenants without a
 * connection of their own. Without any credentials it starts the Reddit sandbox in-process and says so loudly, so a
 * demo never passes for real Reddit data.
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
      {
        provide: RedditClients,
        inject: [RedditSandbox, { token: ConnectionResolver, optional: true }],
        useFactory: (sandbox: RedditSandbox | undefined, resolver?: ConnectionResolver) => {
          const client = new RedditClient(
            sandbox
              ? { authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: SANDBOX_CLIENT, clientSecret: SANDBOX_SECRET, userAgent: env.REDDIT_USER_AGENT, timeoutMs: env.REDDIT_TIMEOUT_MS }
              : { authBaseUrl: env.REDDIT_AUTH_URL, apiBaseUrl: env.REDDIT_API_URL, clientId: env.REDDIT_CLIENT_ID!, clientSecret: env.REDDIT_CLIENT_SECRET!, userAgent: env.REDDIT_USER_AGENT, timeoutMs: env.REDDIT_TIMEOUT_MS },
          );
          const fallback: ConnectionFallback<RedditClient> = sandbox ? { kind: 'sandbox', client } : { kind: 'env', client };
          return new RedditClients({ fallback, resolver: connectionsEnabled ? resolver : undefined, userAgent: env.REDDIT_USER_AGENT, timeoutMs: env.REDDIT_TIMEOUT_MS });
        },
      },
      { provide: SandboxLifecycle, inject: [RedditSandbox], useFactory: (sandbox?: RedditSandbox) => new SandboxLifecycle(sandbox) },
      RedditReader,
    ];
    // Global: the posts and analysis capabilities share one sandbox, one client per connection (token, X-Ratelimit view).
    return { module: RedditModule, global: true, providers, exports: [RedditClients, RedditSandbox, RedditReader] };
  }
}
