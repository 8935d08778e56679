import { defineApp } from '@junction/platform';
import { envSchema } from './config/env';
import { WindowsModule } from './windows/windows.module';

/**
 * metrics-aggregator: integration.call.recorded → 1-minute and 1-hour metric windows in Postgres (batched, merged
 * across replicas under row locks); health, alert rules and the health API arrive with their issues.
 */
export const metricsAggregator = defineApp({
  name: 'metrics-aggregator',
  defaultPort: 3006,
  envSchema,
  imports: (env) => [WindowsModule.forRoot({ consumer: 'metrics-aggregator', batchMax: env.METRICS_BATCH_MAX, batchWaitMs: env.METRICS_BATCH_WAIT_MS, concurrency: env.CONSUMER_CONCURRENCY })],
});
