import { Logger } from '@nestjs/common';
import { createMessage } from '@junction/contracts';
import { toOutgoing, type MessageBus } from '@junction/messaging';
import type { CallAttemptRecord, CallObserver } from '@junction/resilience';

const FLUSH_EVERY_MS = 250;
const FLUSH_AT = 100;
const MAX_BUFFERED = 10_000;

/**
 * Publishes one `integration.call.recorded` per attempt on integration.calls, for metrics-aggregator.
 * Batched and off the call's path: telemetry must never slow or fail a provider call. Records are not
 * business data, so they go straight to the broker (no outbox); while the broker is down the buffer keeps
 * the newest MAX_BUFFERED and counts what it dropped.
 */
export class BusCallObserver implements CallObserver {
  private readonly logger = new Logger(BusCallObserver.name);
  private buffer: CallAttemptRecord[] = [];
  private dropped = 0;
  private readonly timer: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(
    private readonly bus: MessageBus,
    private readonly tenantId: string,
  ) {
    this.timer = setInterval(() => void this.flush(), FLUSH_EVERY_MS);
    this.timer.unref();
  }

  onAttempt(record: CallAttemptRecord): void {
    this.buffer.push(record);
    if (this.buffer.length > MAX_BUFFERED) {
      this.dropped += this.buffer.length - MAX_BUFFERED;
      this.buffer = this.buffer.slice(-MAX_BUFFERED);
    }
    if (this.buffer.length >= FLUSH_AT) void this.flush();
  }

  /** The breaker logs its own transitions and OtelCallObserver counts them; alerts come from metrics-aggregator. */
  onBreakerStateChange(): void {}

  /** Sends what is buffered; one flush at a time. */
  async flush(): Promise<void> {
    if (this.flushing || this.buffer.length === 0) return this.flushing;
    const batch = this.buffer;
    this.buffer = [];
    this.flushing = this.bus
      .publish(batch.map((r) => toOutgoing(this.toMessage(r))))
      .then(
        () => {
          if (this.dropped > 0) this.logger.warn(`dropped ${this.dropped} call records while the broker was unavailable`);
          this.dropped = 0;
        },
        (error: unknown) => {
          // Put them back in front (newest kept if over the cap) and try again on the next tick.
          this.buffer = [...batch, ...this.buffer].slice(-MAX_BUFFERED);
          this.logger.warn(`could not publish ${batch.length} call records: ${(error as Error).message}`);
        },
      )
      .finally(() => (this.flushing = undefined));
    return this.flushing;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.flushing;
    await this.flush();
  }

  private toMessage(r: CallAttemptRecord) {
    return createMessage(
      'integration.call.recorded',
      {
        provider: r.provider,
        connection: r.connection,
        operation: r.operation,
        outcome: r.outcome,
        httpStatus: r.httpStatus,
        latencyMs: r.latencyMs,
        attempt: r.attempt,
        breakerState: r.breakerState,
        degraded: r.degraded,
        occurredAt: r.occurredAt.toISOString(),
        messageId: r.messageId,
      },
      { tenantId: this.tenantId, correlationId: r.correlationId },
    );
  }
}
