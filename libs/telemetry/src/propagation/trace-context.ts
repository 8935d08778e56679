import { context, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

/**
 * W3C trace context travels in message application properties (`traceparent`, `tracestate`). We use the
 * W3C propagator explicitly, not the global one, so the wire format does not depend on SDK configuration.
 */
const w3c = new W3CTraceContextPropagator();
const tracer = () => trace.getTracer('junction.messaging');

const headerGetter = {
  get: (carrier: Readonly<Record<string, string>>, key: string) => carrier[key],
  keys: (carrier: Readonly<Record<string, string>>) => Object.keys(carrier),
};

/** Headers carrying the active (or given) context; empty when there is no sampled span. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {};
  w3c.inject(ctx, carrier, { set: (c, k, v) => (c[k] = v) });
  return carrier;
}

export function extractTraceContext(headers: Readonly<Record<string, string>>): Context {
  return w3c.extract(context.active(), headers, headerGetter);
}

/** Runs `fn` inside a PRODUCER span; `fn` gets the headers that continue the trace downstream. */
export function withProducerSpan<T>(name: string, attributes: Record<string, string>, fn: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind: SpanKind.PRODUCER, attributes }, (span) =>
    finishSpan(span, () => fn(traceHeaders())),
  );
}

/** Runs `fn` inside a CONSUMER span whose parent is the trace that `headers` carry. */
export function withConsumerSpan<T>(name: string, headers: Readonly<Record<string, string>>, attributes: Record<string, string | number>, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = extractTraceContext(headers);
  return tracer().startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, (span) => finishSpan(span, () => fn(span)));
}

async function finishSpan<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw error;
  } finally {
    span.end();
  }
}

export function activeTraceId(): string | undefined {
  return trace.getActiveSpan()?.spanContext().traceId;
}

