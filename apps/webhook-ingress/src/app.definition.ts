import { IntegrationsModule, parseCommandList } from '@junction/integrations';
import { defineApp } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { AdminModule } from './admin/admin.module';
import { CommandsModule } from './commands/commands.module';
import { ingressEnvSchema, publicBaseUrl } from './config/env';
import { serveOpenApi } from './docs/openapi';
import { OAuthModule } from './oauth/oauth.module';
import { RoutingModule } from './routing/routing.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** webhook-ingress: the HTTP edge. Signed provider webhooks, commands from upstream systems, and the admin API. */
export const webhookIngress = defineApp({
  name: 'webhook-ingress',
  defaultPort: 3000,
  envSchema: ingressEnvSchema,
  imports: (env) => [
    SecurityModule.forRoot({ kek: env.JUNCTION_KEK }),
    IntegrationsModule.forRoot({ mcpStdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS), oauth: { publicBaseUrl: publicBaseUrl(env, 3000) } }),
    WebhooksModule,
    CommandsModule.forRoot(env),
    AdminModule,
    OAuthModule,
    RoutingModule,
  ],
  // Swagger UI at /docs, the document at /docs/json (the same document as the committed docs/openapi.json).
  configure: (app) => serveOpenApi(app),
});
