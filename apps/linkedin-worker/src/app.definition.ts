import { defineApp } from '@junction/platform';
import { envSchema } from './config/env';

/** linkedin-worker: linkedin.commands → LinkedIn Marketing API → linkedin.events. Boots with health, database and bus; its capabilities arrive with their issues. */
export const linkedinWorker = defineApp({
  name: 'linkedin-worker',
  defaultPort: 3002,
  envSchema,
  imports: () => [],
});
