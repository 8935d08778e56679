import type { ErrorClass } from '../errors/integration-error';

export type BreakerState = 'closed' | 'open' | 'half-open';

/** One attempt of one external call: what metrics-aggregator aggregates (the `integration.call` record). */
export interface CallAttemptRecord {
  readonly provider: string;
  readonly connection: string;
  readonly operation: string;
  /** 'success' or the error class of the failure. */
  readonly outcome: 'success' | ErrorClass;
  readonly httpStatus?: number;
  readonly latencyMs: number;
  /** 1-based. */
  readonly attempt: number;
  readonly breakerState: BreakerState;
  readonly degraded: boolean;
  readonly occurredAt: Date;
  readonly correlationId?: string;
  readonly messageId?: string;
}

/** Where the pipeline reports to; the app wires one that publishes `integration.call` records and metrics. */
export interface CallObserver {
  onAttempt(record: CallAttemptRecord): void;
  onBreakerStateChange(change: { provider: string; connection: string; from: BreakerState; to: BreakerState; at: Date }): void;
}

export const silentObserver: CallObserver = { onAttempt: () => undefined, onBreakerStateChange: () => undefined };

/** One observer that reports to several (e.g. the bus publisher and OpenTelemetry). */
export function fanOut(...observers: CallObserver[]): CallObserver {
  return {
    onAttempt: (record) => observers.forEach((o) => o.onAttempt(record)),
    onBreakerStateChange: (change) => observers.forEach((o) => o.onBreakerStateChange(change)),
  };
}
