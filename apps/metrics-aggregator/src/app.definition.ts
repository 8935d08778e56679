import { defineApp } from '@junction/platform';
import { envSchema } from './config/env';
import { PrometheusModule } from './prometheus/prometheus.module';

/**
 * metrics-aggregator: integration.call.recorded → 1-minute and 1-hour metric windows in Postgres (batched, merged
 * across replicas under row locks), Prometheus `/metrics` and `GET /metrics/integrations`; health, alert rules and the health API arrive with their issues.
 */
export const metricsAggregator = defineApp({
  name: 'metrics-aggregator',
  defaultPort: 3006,
  envSchema,
  imports: (env) => [
    PrometheusModule.forRoot({
      rangeMinutes: env.METRICS_PROMETHEUS_RANGE_MINUTES,
      windows: { consumer: 'metrics-aggregator', batchMax: env.METRICS_BATCH_MAX, batchWaitMs: env.METRICS_BATCH_WAIT_MS, concurrency: env.CONSUMER_CONCURRENCY },
    }),
  ],
});
