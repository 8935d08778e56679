import { Gauge, type Registry } from 'prom-client';
import type { ConnectionHealthViewRepository } from './connection-health-view.repository';
import { HealthStatuses } from './health-status.rules';

/**
 * junction_connection_health{tenant,provider,connection,name,status}: 1 for each connection's current health status,
 * 0 for the others (so a status change is a value change, not a vanished series). Read from Postgres at each scrape:
 * every replica shows the same values; use max() across replicas, never sum(). `connection` is the connection id,
 * the same label value as the integration gauges'.
 */
export function registerConnectionHealthGauge(registry: Registry, views: ConnectionHealthViewRepository): Gauge {
  return new Gauge({
    name: 'junction_connection_health',
    help: 'Health status of each connection (1 for the current status: healthy | degraded | down | unknown), from the scheduled checks and recent call windows',
    labelNames: ['tenant', 'provider', 'connection', 'name', 'status'] as const,
    registers: [registry],
    async collect() {
      const rows = await views.gauge();
      this.reset();
      for (const row of rows) {
        const labels = { tenant: row.tenantId, provider: row.provider, connection: row.id, name: row.name };
        for (const status of HealthStatuses) this.set({ ...labels, status }, status === row.healthStatus ? 1 : 0);
      }
    },
  });
}
