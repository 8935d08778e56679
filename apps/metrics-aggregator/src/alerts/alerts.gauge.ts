import { Gauge, type Registry } from 'prom-client';
import { alertRuleNames } from '@junction/contracts';
import type { AlertRepository } from './alert.repository';

/**
 * `junction_alerts_firing{rule,severity}`: open alerts of every tenant, read from the alert table at each scrape, so
 * every replica reports the same figure (take max, not sum, across replicas). Every rule × severity is present (0
 * when none fire), so a resolved alert's series drops to 0 instead of vanishing.
 */
export function registerAlertsGauge(registry: Registry, alerts: AlertRepository): Gauge<'rule' | 'severity'> {
  return new Gauge({
    name: 'junction_alerts_firing',
    help: 'Alerts firing now, by rule and severity (all tenants)',
    labelNames: ['rule', 'severity'] as const,
    registers: [registry],
    async collect() {
      const counts = await alerts.firingCounts();
      this.reset();
      for (const rule of alertRuleNames) for (const severity of ['warning', 'critical']) this.set({ rule, severity }, 0);
      for (const c of counts) this.set({ rule: c.rule, severity: c.severity }, c.count);
    },
  });
}
