import { defineApp } from '@junction/platform';
import { CommandsModule } from './commands/commands.module';
import { ingressEnvSchema } from './config/env';

/** webhook-ingress: the HTTP edge. Commands from upstream systems today; signed provider webhooks next. */
export const webhookIngress = defineApp({
  name: 'webhook-ingress',
  defaultPort: 3000,
  envSchema: ingressEnvSchema,
  imports: (env) => [CommandsModule.forRoot(env)],
});
