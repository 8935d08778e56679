import { defineApp } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { AdminModule } from './admin/admin.module';
import { CommandsModule } from './commands/commands.module';
import { ingressEnvSchema } from './config/env';
import { RoutingModule } from './routing/routing.module';
import { WebhooksModule } from './webhooks/webhooks.module';

/** webhook-ingress: the HTTP edge. Signed provider webhooks, commands from upstream systems, and the admin API. */
export const webhookIngress = defineApp({
  name: 'webhook-ingress',
  defaultPort: 3000,
  envSchema: ingressEnvSchema,
  imports: (env) => [SecurityModule.forRoot({ kek: env.JUNCTION_KEK }), WebhooksModule, CommandsModule.forRoot(env), AdminModule, RoutingModule],
});
