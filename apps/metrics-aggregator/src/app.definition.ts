import { IntegrationsModule, parseCommandList } from '@junction/integrations';
import { defineApp } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { AlertDeliveryModule } from './alert-delivery/alert-delivery.module';
import { alertDeliveryOptions } from './alert-delivery/alert-delivery.options';
import { AlertsModule } from './alerts/alerts.module';
import { envSchema } from './config/env';
import { healthModuleOptions } from './health/health.options';
import { HealthModule } from './health/health.module';
import { PrometheusModule } from './prometheus/prometheus.module';

/**
 * metrics-aggregator: integration.call.recorded → 1-minute and 1-hour metric windows in Postgres (batched, merged
 * across replicas under row locks), Prometheus `/metrics` and `GET /metrics/integrations`; per-connection
 * health (scheduled checks, status, GET /health/connections, junction_connection_health).
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
    AlertsModule.forRoot({ intervalMs: env.ALERT_EVAL_INTERVAL_SECONDS * 1_000 }),
    // Scheduled connection checks open connections with the key ring; without it they stay off (the health API still answers).
    ...(env.JUNCTION_KEK ? [SecurityModule.forRoot({ kek: env.JUNCTION_KEK }), IntegrationsModule.forRoot({ mcpStdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS) })] : []),
    HealthModule.forRoot(healthModuleOptions(env)),
    // Alert channels and their delivery loop: channel secrets are sealed, so only with the key ring.
    ...(env.JUNCTION_KEK ? [AlertDeliveryModule.forRoot(alertDeliveryOptions(env, env.JUNCTION_KEK))] : []),
  ],
});
