import { defineApp } from '@junction/platform';
import { envSchema } from './config/env';

/** reddit-analyzer: reddit.commands → Reddit API, sentiment and trends → reddit.events. Boots with health, database and bus; its capabilities arrive with their issues. */
export const redditAnalyzer = defineApp({
  name: 'reddit-analyzer',
  defaultPort: 3003,
  envSchema,
  imports: () => [],
});
