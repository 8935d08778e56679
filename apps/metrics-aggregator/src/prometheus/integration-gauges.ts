import { Gauge, type Registry } from 'prom-client';
import { fromRow, mergeInto, type WindowRow, type WindowState } from '../windows/window-aggregate';
import { quantile } from '../windows/latency-sketch';

const LABELS = ['tenant', 'provider', 'connection', 'operation'] as const;
const BREAKER_STATES = ['closed', 'half-open', 'open'] as const;

/**
 * Gauges over the trailing range of 1-minute windows, recomputed from Postgres at each scrape: every replica shows
 * the same figures (they come from the merged rows, not from what this replica consumed), so scrape one replica, or
 * use max() across them, never sum(). The latency quantiles come from the range's sketches merged, not from an
 * average of per-minute quantiles.
 */
export class IntegrationGauges {
  private readonly calls: Gauge<'tenant' | 'provider' | 'connection' | 'operation' | 'outcome'>;
  private readonly rate: Gauge<(typeof LABELS)[number]>;
  private readonly errorRatio: Gauge<(typeof LABELS)[number]>;
  private readonly uptime: Gauge<(typeof LABELS)[number]>;
  private readonly latency: Gauge<(typeof LABELS)[number] | 'quantile'>;
  private readonly latencyAvg: Gauge<(typeof LABELS)[number]>;
  private readonly lastSuccess: Gauge<(typeof LABELS)[number]>;
  private readonly breaker: Gauge<(typeof LABELS)[number] | 'state'>;

  constructor(registry: Registry, private readonly rangeMinutes: number) {
    const registers = [registry];
    const range = `the last ${rangeMinutes} minute(s) of 1-minute windows`;
    this.calls = new Gauge({ name: 'junction_integration_calls', help: `Provider calls in ${range}, by outcome (success | failure)`, labelNames: [...LABELS, 'outcome'], registers });
    this.rate = new Gauge({ name: 'junction_integration_calls_per_second', help: `Provider calls per second over ${range}`, labelNames: LABELS, registers });
    this.errorRatio = new Gauge({ name: 'junction_integration_error_ratio', help: `Failed / total calls over ${range}`, labelNames: LABELS, registers });
    this.uptime = new Gauge({ name: 'junction_integration_uptime_ratio', help: `Share of calls over ${range} that did not fail for availability (network, timeout, 5xx, open breaker)`, labelNames: LABELS, registers });
    this.latency = new Gauge({ name: 'junction_integration_latency_ms', help: `Call latency quantiles (DDSketch, 1 % relative accuracy) over ${range}`, labelNames: [...LABELS, 'quantile'], registers });
    this.latencyAvg = new Gauge({ name: 'junction_integration_latency_avg_ms', help: `Mean call latency over ${range}`, labelNames: LABELS, registers });
    this.lastSuccess = new Gauge({ name: 'junction_integration_last_success_timestamp_seconds', help: `Time of the last successful call within ${range} (absent when none)`, labelNames: LABELS, registers });
    this.breaker = new Gauge({ name: 'junction_integration_breaker_state', help: 'Circuit breaker state reported by the latest call in the range (1 for the current state)', labelNames: [...LABELS, 'state'], registers });
  }

  /** Replaces every series with the figures of `rows` (1-minute windows of the range). */
  update(rows: readonly WindowRow[]): void {
    for (const gauge of [this.calls, this.rate, this.errorRatio, this.uptime, this.latency, this.latencyAvg, this.lastSuccess, this.breaker]) gauge.reset();
    const byKey = new Map<string, WindowState>();
    for (const row of rows) {
      const id = JSON.stringify([row.tenantId, row.provider, row.connection, row.operation]);
      const current = byKey.get(id);
      byKey.set(id, current ? mergeInto(current, fromRow(row)) : fromRow(row));
    }
    for (const s of byKey.values()) {
      const labels = { tenant: s.tenantId, provider: s.provider, connection: s.connection, operation: s.operation };
      this.calls.set({ ...labels, outcome: 'success' }, s.successful);
      this.calls.set({ ...labels, outcome: 'failure' }, s.failed);
      this.rate.set(labels, s.total / (this.rangeMinutes * 60));
      this.errorRatio.set(labels, s.total === 0 ? 0 : s.failed / s.total);
      this.uptime.set(labels, s.total === 0 ? 1 : (s.total - s.unavailable) / s.total);
      for (const q of [0.5, 0.95, 0.99]) this.latency.set({ ...labels, quantile: String(q) }, quantile(s.sketch, q));
      this.latencyAvg.set(labels, s.total === 0 ? 0 : s.latencySumMs / s.total);
      if (s.lastSuccessAt) this.lastSuccess.set(labels, s.lastSuccessAt.getTime() / 1000);
      if (s.breakerState) for (const state of BREAKER_STATES) this.breaker.set({ ...labels, state }, state === s.breakerState ? 1 : 0);
    }
  }
}
