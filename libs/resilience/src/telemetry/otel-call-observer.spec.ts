import { context, trace, type Meter } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { CallAttemptRecord } from './call-observer';
import { OtelCallObserver } from './otel-call-observer';

/** Records what the observer measured; the SDK's exporters are not what is under test. */
function fakeMeter() {
  const points: { name: string; value: number; attributes: Record<string, unknown> }[] = [];
  const instrument = (name: string) => ({
    add: (value: number, attributes: Record<string, unknown>) => points.push({ name, value, attributes }),
    record: (value: number, attributes: Record<string, unknown>) => points.push({ name, value, attributes }),
  });
  const meter = { createCounter: instrument, createHistogram: instrument } as unknown as Meter;
  return { meter, points };
}

const record = (extra: Partial<CallAttemptRecord> = {}): CallAttemptRecord => ({
  provider: 'erpnext',
  connection: 'default',
  operation: 'customer.create',
  outcome: 'server',
  httpStatus: 503,
  latencyMs: 42,
  attempt: 2,
  breakerState: 'closed',
  degraded: false,
  occurredAt: new Date(1_700_000_000_000),
  correlationId: 'corr-1',
  ...extra,
});

describe('OtelCallObserver', () => {
  const exporter = new InMemorySpanExporter();
  // NodeTracerProvider.register() installs the async-hooks context manager, so context.active() works.
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  provider.register();
  const tracer = provider.getTracer('test');
  beforeEach(() => exporter.reset());
  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('records one CLIENT span per attempt, timed from the record, under the active span', () => {
    const { meter } = fakeMeter();
    const observer = new OtelCallObserver({ tracer, meter });
    const parent = tracer.startSpan('handle message');
    context.with(trace.setSpan(context.active(), parent), () => observer.onAttempt(record()));
    parent.end();

    const span = exporter.getFinishedSpans().find((s) => s.name === 'erpnext customer.create')!;
    expect(span.attributes).toMatchObject({ 'integration.outcome': 'server', 'integration.attempt': 2, 'http.response.status_code': 503, 'junction.correlation_id': 'corr-1' });
    expect(span.status.code).toBe(2);
    expect(span.parentSpanContext?.spanId).toBe(parent.spanContext().spanId);
    const durationMs = span.duration[0] * 1e3 + span.duration[1] / 1e6;
    expect(durationMs).toBeCloseTo(42, 3);
  });

  it('counts attempts by outcome, records latency and counts breaker transitions', () => {
    const { meter, points } = fakeMeter();
    const observer = new OtelCallObserver({ tracer, meter });
    observer.onAttempt(record({ outcome: 'success', httpStatus: undefined, latencyMs: 7 }));
    observer.onBreakerStateChange({ provider: 'erpnext', connection: 'default', from: 'closed', to: 'open', at: new Date() });
    expect(points).toEqual([
      { name: 'integration.call.attempts', value: 1, attributes: { provider: 'erpnext', connection: 'default', outcome: 'success' } },
      { name: 'integration.call.duration', value: 7, attributes: { provider: 'erpnext', connection: 'default', outcome: 'success' } },
      { name: 'integration.breaker.state_changes', value: 1, attributes: { provider: 'erpnext', connection: 'default', from: 'closed', to: 'open' } },
    ]);
  });
});
