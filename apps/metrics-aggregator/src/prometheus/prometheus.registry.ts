import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * This app's own registry (not prom-client's global one): standalone runs every app in one process, and each app's
 * /metrics shows its own series. Default process metrics (CPU, memory, event-loop lag, GC) included.
 */
export class AggregatorRegistry {
  readonly registry = new Registry();
  /** Call records this replica handled, by what became of them. */
  readonly records = new Counter({ name: 'junction_metrics_aggregator_records_total', help: 'Call records handled by this replica', labelNames: ['result'] as const, registers: [this.registry] });
  /** Records per transaction: how well the micro-batcher groups a burst. */
  readonly batchSize = new Histogram({ name: 'junction_metrics_aggregator_batch_size', help: 'Call records per metric-window transaction', buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry] });
  readonly batchSeconds = new Histogram({ name: 'junction_metrics_aggregator_batch_seconds', help: 'Duration of one metric-window transaction', buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry] });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
