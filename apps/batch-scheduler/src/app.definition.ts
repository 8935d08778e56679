import { defineApp } from '@junction/platform';
import { envSchema } from './config/env';
import { RetentionModule } from './retention/retention.module';

/**
 * batch-scheduler: leader-elected jobs. Today the retention job (old audit, inbox, processed-message and
 * dead-letter rows, expired webhook secrets), one replica at a time by a Postgres advisory lock; cron schedules
 * that publish commands arrive with their issues.
 */
export const batchScheduler = defineApp({
  name: 'batch-scheduler',
  defaultPort: 3005,
  envSchema,
  imports: (env) => [RetentionModule.forRoot(env)],
});
