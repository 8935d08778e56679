/** Test harness (int-specs only): the analyzer's use cases on a real Postgres, a memory bus and a Reddit sandbox. */
import { Test, type TestingModule } from '@nestjs/testing';
import { RedditClient, RedditSandbox } from '@junction/connectors/reddit';
import { ConnectionResolver, IntegrationsModule } from '@junction/integrations';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule } from '@junction/persistence';
import { ResilienceModule } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { createTestDatabase, outboxCausedBy, type TestDatabase } from '@junction/testing';
import { AnalysisSourceLoader } from '../analysis/analysis-source.loader';
import { AnalyzeSentimentHandler } from '../analysis/usecases/analyze-sentiment/analyze-sentiment.handler';
import { DetectTrendsHandler } from '../analysis/usecases/detect-trends/detect-trends.handler';
import { GetCommunityInsightsHandler } from '../analysis/usecases/get-community-insights/get-community-insights.handler';
import { GetPostCommentsHandler } from '../posts/usecases/get-post-comments/get-post-comments.handler';
import { GetSubredditPostsHandler } from '../posts/usecases/get-subreddit-posts/get-subreddit-posts.handler';
import { MonitorSubredditHandler } from '../posts/usecases/monitor-subreddit/monitor-subreddit.handler';
import { SearchPostsHandler } from '../posts/usecases/search-posts/search-posts.handler';
import { RedditClients, type RedditMcpOptions } from '../reddit/reddit-clients';
import { RedditReader } from '../reddit/reddit-reader';

export const TEST_USER_AGENT = 'test:io.junction.reddit-analyzer:v1.0 (by /u/junction-tests)';

export interface RedditAnalyzerHarness {
  db: TestDatabase;
  sandbox: RedditSandbox;
  moduleRef: TestingModule;
  /** Events the use case queued for `commandId` (outbox rows, body parsed). */
  events(commandId: string): Promise<{ type: string; body: { type: string; payload: Record<string, unknown> } }[]>;
  close(): Promise<void>;
}

export interface RedditAnalyzerHarnessOptions {
  /** Connections (IntegrationsModule): each command runs on its tenant's reddit connection, else the sandbox client. */
  kek?: string;
  /** With a kek: `transport: mcp` connections are served (their McpClient pool is the caller's to close). */
  mcp?: RedditMcpOptions;
  /** Each Reddit call's budget (default 2 s); a stdio MCP server's first call includes its start. */
  timeoutMs?: number;
}

export async function startRedditAnalyzerHarness(options: RedditAnalyzerHarnessOptions = {}): Promise<RedditAnalyzerHarness> {
  const db = await createTestDatabase();
  const sandbox = new RedditSandbox();
  await sandbox.start();
  const client = new RedditClient({ authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', userAgent: TEST_USER_AGENT, timeoutMs: 2_000 });
  const timeoutMs = options.timeoutMs ?? 2_000;
  const clients = options.kek
    ? {
        provide: RedditClients,
        inject: [ConnectionResolver],
        useFactory: (resolver: ConnectionResolver) =>
          new RedditClients({ fallback: { kind: 'sandbox', client }, resolver, userAgent: TEST_USER_AGENT, timeoutMs, mcp: options.mcp }),
      }
    : { provide: RedditClients, useValue: new RedditClients({ fallback: { kind: 'sandbox', client }, userAgent: TEST_USER_AGENT, timeoutMs }) };
  const moduleRef = await Test.createTestingModule({
    imports: [
      PersistenceModule.forRoot({ databaseUrl: db.url }),
      MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'reddit-analyzer', relay: false }),
      // Fast retries so a 5xx storm does not wait on the production backoff; a quota far above what tests use.
      ResilienceModule.forRoot({
        tenantId: 't1',
        overrides: { reddit: { retry: { maxAttempts: 3, baseDelayMs: 10, maxDelayMs: 20 }, rateLimits: [{ kind: 'quota', name: 'reddit-minute', limit: 10_000, window: 'minute' }] } },
      }),
      ...(options.kek ? [SecurityModule.forRoot({ kek: options.kek }), IntegrationsModule.forRoot({ mcpStdioCommands: options.mcp?.stdioCommands })] : []),
    ],
    providers: [
      clients,
      RedditReader,
      AnalysisSourceLoader,
      GetSubredditPostsHandler,
      GetPostCommentsHandler,
      SearchPostsHandler,
      MonitorSubredditHandler,
      AnalyzeSentimentHandler,
      DetectTrendsHandler,
      GetCommunityInsightsHandler,
    ],
  }).compile();
  await moduleRef.init();
  return {
    db,
    sandbox,
    moduleRef,
    events: async (commandId) => (await outboxCausedBy(db, commandId)) as never,
    close: async () => {
      await moduleRef.close();
      await sandbox.stop();
      await db.drop();
    },
  };
}
