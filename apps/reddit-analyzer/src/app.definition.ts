import { IntegrationsModule, parseCommandList } from '@junction/integrations';
import { defineApp, ResilienceModule } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { AnalysisModule } from './analysis/analysis.module';
import { redditAnalyzerEnvSchema } from './config/env';
import { PostsModule } from './posts/posts.module';
import { RedditModule } from './reddit/reddit.module';

/** reddit-analyzer: reddit.commands → Reddit API (reads), sentiment, trends and insights stored in Postgres → reddit.events. */
export const redditAnalyzer = defineApp({
  name: 'reddit-analyzer',
  defaultPort: 3003,
  envSchema: redditAnalyzerEnvSchema,
  imports: (env) => [
    ResilienceModule.forRoot({ tenantId: env.TENANT_ID, overrides: env.PROVIDER_POLICY_OVERRIDES }),
    // Connections need the key ring their secrets are sealed with; without it every command runs on REDDIT_* or the sandbox.
    ...(env.JUNCTION_KEK ? [SecurityModule.forRoot({ kek: env.JUNCTION_KEK }), IntegrationsModule.forRoot({ mcpStdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS) })] : []),
    RedditModule.forRoot(env),
    PostsModule,
    AnalysisModule,
  ],
});
