/**
 * CallObserver → OpenTelemetry, through @opentelemetry/api only (the app's SDK decides where it goes).
 * One CLIENT span per attempt, built from the record when the attempt ends (start = end − latency) under
 * whatever span is active for the caller, so a message's trace shows each provider attempt and its outcome.
 * Metrics: attempts by provider/connection/outcome, attempt latency, breaker state changes.
 */
import { context, metrics, SpanKind, SpanStatusCode, trace, type Counter, type Histogram, type Meter, type Tracer } from '@opentelemetry/api';
import type { BreakerState, CallAttemptRecord, CallObserver } from './call-observer';

const SCOPE = '@junction/resilience';

export class OtelCallObserver implements CallObserver {
  private readonly tracer: Tracer;
  private readonly attempts: Counter;
  private readonly latency: Histogram;
  private readonly breakerChanges: Counter;

  constructor(options: { tracer?: Tracer; meter?: Meter } = {}) {
    this.tracer = options.tracer ?? trace.getTracer(SCOPE);
    const meter = options.meter ?? metrics.getMeter(SCOPE);
    this.attempts = meter.createCounter('integration.call.attempts', { description: 'Provider call attempts by outcome class' });
    this.latency = meter.createHistogram('integration.call.duration', { description: 'Provider call attempt latency', unit: 'ms' });
    this.breakerChanges = meter.createCounter('integration.breaker.state_changes', { description: 'Circuit breaker transitions' });
  }

  onAttempt(r: CallAttemptRecord): void {
    const attributes = {
      'integration.provider': r.provider,
      'integration.connection': r.connection,
      'integration.operation': r.operation,
      'integration.outcome': r.outcome,
      'integration.attempt': r.attempt,
      'integration.breaker_state': r.breakerState,
      'integration.degraded': r.degraded,
      ...(r.httpStatus === undefined ? {} : { 'http.response.status_code': r.httpStatus }),
      ...(r.correlationId === undefined ? {} : { 'junction.correlation_id': r.correlationId }),
      ...(r.messageId === undefined ? {} : { 'messaging.message.id': r.messageId }),
    };
    const end = r.occurredAt.getTime();
    const span = this.tracer.startSpan(
      `${r.provider} ${r.operation}`,
      { kind: SpanKind.CLIENT, startTime: end - r.latencyMs, attributes },
      context.active(),
    );
    if (r.outcome !== 'success') span.setStatus({ code: SpanStatusCode.ERROR, message: r.outcome });
    span.end(end);
    const metricAttributes = { provider: r.provider, connection: r.connection, outcome: r.outcome };
    this.attempts.add(1, metricAttributes);
    this.latency.record(r.latencyMs, metricAttributes);
  }

  onBreakerStateChange(change: { provider: string; connection: string; from: BreakerState; to: BreakerState; at: Date }): void {
    this.breakerChanges.add(1, { provider: change.provider, connection: change.connection, from: change.from, to: change.to });
  }
}
