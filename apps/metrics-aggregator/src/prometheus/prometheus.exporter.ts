import type { MetricWindowRepository } from '../windows/metric-window.repository';
import { windowStart } from '../windows/window-aggregate';
import { IntegrationGauges } from './integration-gauges';
import type { AggregatorRegistry } from './prometheus.registry';

/** The Prometheus text of this app: the integration gauges refreshed from metric_window, then the whole registry. */
export class PrometheusExporter {
  private readonly gauges: IntegrationGauges;

  constructor(
    private readonly metrics: AggregatorRegistry,
    private readonly windows: MetricWindowRepository,
    private readonly rangeMinutes: number,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.gauges = new IntegrationGauges(metrics.registry, rangeMinutes);
  }

  get contentType(): string {
    return this.metrics.registry.contentType;
  }

  async render(): Promise<string> {
    // The current (partial) minute and the rangeMinutes − 1 before it.
    const since = new Date(windowStart(this.now(), '1m').getTime() - (this.rangeMinutes - 1) * 60_000);
    this.gauges.update(await this.windows.since('1m', since));
    return this.metrics.registry.metrics();
  }
}
