import { context, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  serviceName: string;
  /** OTLP/HTTP base endpoint (e.g. http://otel-collector:4318). Unset: spans are created (trace ids in logs) but not exported. */
  otlpEndpoint?: string;
}

export interface Telemetry {
  readonly exporting: boolean;
  shutdown(): Promise<void>;
}

let started: Telemetry | undefined;

/**
 * Starts the OpenTelemetry NodeSDK once per process (standalone mode runs seven apps in one process; they
 * share it). Without an endpoint we still install a tracer provider, so every log line carries a trace id
 * and traces propagate through messages; the explicit processor list also keeps the SDK from falling back
 * to its default exporter and trying to reach a collector that is not there.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (started) return started;
  const spanProcessors: SpanProcessor[] = options.otlpEndpoint
    ? [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` }))]
    : // NodeSDK installs no tracer provider without a processor; a no-op one keeps real, propagating spans.
      [new NoopSpanProcessor()];
  const sdk = new NodeSDK({ serviceName: options.serviceName, spanProcessors, instrumentations: [] });
  sdk.start();
  started = {
    exporting: options.otlpEndpoint !== undefined,
    async shutdown() {
      started = undefined;
      await sdk.shutdown();
      trace.disable();
      context.disable();
    },
  };
  return started;
}
