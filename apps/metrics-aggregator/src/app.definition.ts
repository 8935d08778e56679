import { defineApp } from '@junction/platform';
import { envSchema } from './config/env';

/** metrics-aggregator: integration.calls and events → metrics windows, health, alerts. Boots with health, database and bus; its capabilities arrive with their issues. */
export const metricsAggregator = defineApp({
  name: 'metrics-aggregator',
  defaultPort: 3006,
  envSchema,
  imports: () => [],
});
