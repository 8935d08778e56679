import { defineApp } from '@junction/platform';
import { envSchema } from './config/env';

/** batch-scheduler: leader-elected cron schedules that publish commands. Boots with health, database and bus; its capabilities arrive with their issues. */
export const batchScheduler = defineApp({
  name: 'batch-scheduler',
  defaultPort: 3005,
  envSchema,
  imports: () => [],
});
