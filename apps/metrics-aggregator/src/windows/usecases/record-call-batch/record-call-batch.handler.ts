import { Logger } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import type { AggregatorRegistry } from '../../../prometheus/prometheus.registry';
import type { MetricWindowRepository } from '../../metric-window.repository';
import { foldCalls } from '../../window-aggregate';

export type CallRecordedMessage = MessageOf<'integration.call.recorded'>;

/**
 * A batch of integration.call.recorded → the 1-minute and 1-hour windows they fall in, effectively once: records
 * already counted (redelivered, or a duplicate inside the batch) are dropped by the idempotency marks written in the
 * same transaction as the windows.
 */
export class RecordCallBatchHandler {
  private readonly logger = new Logger(RecordCallBatchHandler.name);

  constructor(
    private readonly windows: MetricWindowRepository,
    private readonly consumer: string,
    private readonly metrics?: AggregatorRegistry,
  ) {}

  async execute(messages: readonly CallRecordedMessage[]): Promise<void> {
    const byId = new Map(messages.map((m) => [m.id.toLowerCase(), m]));
    const timer = this.metrics?.batchSeconds.startTimer();
    const counted = await this.windows.applyBatch(this.consumer, [...byId.keys()], (fresh) =>
      foldCalls([...byId.entries()].filter(([id]) => fresh.has(id)).map(([, m]) => ({ tenantId: m.tenantId, payload: m.payload }))),
    );
    timer?.();
    this.metrics?.batchSize.observe(messages.length);
    this.metrics?.records.inc({ result: 'counted' }, counted);
    if (counted === messages.length) return;
    this.metrics?.records.inc({ result: 'duplicate' }, messages.length - counted);
    this.logger.debug?.({ message: 'call records already counted were skipped', batch: messages.length, counted });
  }
}
