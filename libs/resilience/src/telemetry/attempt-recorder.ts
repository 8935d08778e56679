/**
 * Builds and emits the pipeline's CallAttemptRecords. With the silent observer nothing is built: a record
 * (and its Date) per attempt that nobody reads is pure overhead on every provider call.
 */
import { Logger } from '@nestjs/common';
import { IntegrationError } from '../errors/integration-error';
import type { CallContext } from '../pipeline/resilience.types';
import { silentObserver, type BreakerState, type CallAttemptRecord, type CallObserver } from './call-observer';

export class AttemptRecorder {
  private readonly logger = new Logger('ResiliencePipeline');
  /** False when nobody listens: callers skip building records (and reading clocks for them). */
  readonly active: boolean;

  constructor(
    private readonly provider: string,
    private readonly connection: string,
    private readonly observer: CallObserver,
    private readonly breakerState: () => BreakerState,
  ) {
    this.active = observer !== silentObserver;
  }

  record(ctx: CallContext, attempt: number, error: IntegrationError | undefined, latencyMs: number): CallAttemptRecord {
    return {
      degraded: false,
      provider: this.provider,
      connection: this.connection,
      operation: ctx.operation,
      outcome: error ? error.errorClass : 'success',
      httpStatus: error?.status,
      latencyMs,
      attempt,
      breakerState: this.breakerState(),
      occurredAt: new Date(),
      correlationId: ctx.correlationId,
      messageId: ctx.messageId,
    };
  }

  emit(record: CallAttemptRecord): void {
    try {
      this.observer.onAttempt(record);
    } catch (error) {
      // Telemetry must never fail a provider call.
      this.logger.error(`call observer failed: ${(error as Error).message}`);
    }
  }

  /** For the attempt record only: clients throw IntegrationErrors; anything else is labelled 'client'. */
  classify(error: unknown, operation: string): IntegrationError {
    if (error instanceof IntegrationError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new IntegrationError('client', `${this.provider} ${operation} failed: ${message}`, { provider: this.provider, operation, cause: error });
  }
}
