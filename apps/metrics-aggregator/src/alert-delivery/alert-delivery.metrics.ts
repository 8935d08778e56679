import { Counter, type Registry } from 'prom-client';

/**
 * junction_alert_deliveries_total{kind="webhook|slack", outcome="delivered|retried|failed"}: one per attempt whose
 * result this replica recorded (sum across replicas: each attempt is counted by the one replica that made it).
 * Registered into the app's /metrics registry when the app has started (see AlertDeliveryModule).
 */
export class AlertDeliveryMetrics {
  readonly deliveries = new Counter({
    name: 'junction_alert_deliveries_total',
    help: 'Alert delivery attempts by channel kind and what became of them (delivered, retried later, failed for good)',
    labelNames: ['kind', 'outcome'] as const,
    registers: [],
  });

  register(registry: Registry): void {
    if (!registry.getSingleMetric('junction_alert_deliveries_total')) registry.registerMetric(this.deliveries);
  }
}
