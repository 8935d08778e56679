import { IntegrationsModule, parseCommandList } from '@junction/integrations';
import { defineApp, ResilienceModule } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { AnalyticsModule } from './analytics/analytics.module';
import { linkedinWorkerEnvSchema } from './config/env';
import { LinkedInModule } from './linkedin/linkedin.module';
import { OrganizationsModule } from './organizations/organizations.module';
import { PostsModule } from './posts/posts.module';

/** linkedin-worker: linkedin.commands → LinkedIn Marketing API (versioned /rest) → linkedin.events. */
export const linkedinWorker = defineApp({
  name: 'linkedin-worker',
  defaultPort: 3002,
  envSchema: linkedinWorkerEnvSchema,
  imports: (env) => [
    // The shared limiter holds the 100 calls/day budget (quota linkedin-daily) across replicas.
    ResilienceModule.forRoot({ tenantId: env.TENANT_ID, overrides: env.PROVIDER_POLICY_OVERRIDES }),
    // Connections (and OAuth refresh) need the key ring their secrets are sealed with.
    ...(env.JUNCTION_KEK ? [SecurityModule.forRoot({ kek: env.JUNCTION_KEK }), IntegrationsModule.forRoot({ mcpStdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS) })] : []),
    LinkedInModule.forRoot(env),
    OrganizationsModule,
    PostsModule,
    AnalyticsModule,
  ],
});
