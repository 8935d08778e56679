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

export type SpanAttributes = Record<string, string | number | boolean>;

/** Runs `fn` inside a PRODUCER span; `fn` gets the headers that continue the trace downstream. */
export function withProducerSpan<T>(name: string, attributes: SpanAttributes, fn: (headers: Record<string, string>) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind: SpanKind.PRODUCER, attributes }, (span) =>
    finishSpan(span, () => fn(traceHeaders())),
  );
}

/** Runs `fn` inside a CONSUMER span whose parent is the trace that `headers` carry. */
export function withConsumerSpan<T>(name: string, headers: Readonly<Record<string, string>>, attributes: SpanAttributes, fn: (span: Span) => Promise<T>): Promise<T> {
  const parent = extractTraceContext(headers);
  return tracer().startActiveSpan(name, { kind: SpanKind.CONSUMER, attributes }, parent, (span) => finishSpan(span, () => fn(span)));
}

/** Runs `fn` inside an INTERNAL span, a child of the active one (a step worth its own timing, such as the inbox write). */
export function withInternalSpan<T>(name: string, attributes: SpanAttributes, fn: (span: Span) => Promise<T>): Promise<T> {
  return tracer().startActiveSpan(name, { kind: SpanKind.INTERNAL, attributes }, (span) => finishSpan(span, () => fn(span)));
}

/**
 * Runs `fn` (which answers the request and returns its status) inside an HTTP SERVER span: the trace a caller sent
 * in `traceparent` is continued, else one starts here. Attributes per the HTTP semantic conventions; a 5xx marks the
 * span as an error (a 4xx is the client's, not the server's).
 */
export function withHttpServerSpan(
  request: { method: string; route: string; path: string; headers: Readonly<Record<string, string | string[] | undefined>>; serverPort?: number },
  fn: () => Promise<number>,
): Promise<number> {
  const carrier: Record<string, string> = {};
  for (const key of ['traceparent', 'tracestate']) {
    const value = request.headers[key];
    if (typeof value === 'string') carrier[key] = value;
  }
  const attributes: SpanAttributes = {
    'http.request.method': request.method,
    'http.route': request.route,
    'url.path': request.path,
    'url.scheme': 'http',
    ...(request.serverPort === undefined ? {} : { 'server.port': request.serverPort }),
  };
  return tracer().startActiveSpan(`${request.method} ${request.route}`, { kind: SpanKind.SERVER, attributes }, extractTraceContext(carrier), (span) =>
    finishSpan(span, async () => {
      const status = await fn();
      span.setAttribute('http.response.status_code', status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      return status;
    }),
  );
}

/**
 * Runs `send` inside one PRODUCER span per message that carries a trace context (`traceparent` in its headers), each
 * a child of the context the message was created in. For the outbox relay: a row is published long after, and by
 * another task than, the transaction that wrote it; its stored `traceparent` puts the publish back in that trace.
 * The headers are not changed: consumers stay children of the creating span.
 */
export async function withSendSpans<T>(messages: ReadonlyArray<{ name: string; headers: Readonly<Record<string, string>>; attributes: SpanAttributes }>, send: () => Promise<T>): Promise<T> {
  const spans = messages
    .filter((m) => m.headers.traceparent !== undefined)
    .map((m) => tracer().startSpan(m.name, { kind: SpanKind.PRODUCER, attributes: m.attributes }, extractTraceContext(m.headers)));
  try {
    return await send();
  } catch (error) {
    for (const span of spans) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    throw error;
  } finally {
    for (const span of spans) span.end();
  }
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

