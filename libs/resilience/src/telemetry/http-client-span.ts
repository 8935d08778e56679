/**
 * One CLIENT span per HTTP request a provider client makes, per the HTTP semantic conventions, under the active span
 * (the message's consumer span): the attempt-level span of OtelCallObserver says which operation and outcome, this one
 * which request went to which host and what it answered. No URL path or query is recorded: ERPNext document names and
 * filters in them are business data, not telemetry.
 */
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

const SCOPE = '@junction/resilience';

export async function withHttpClientSpan<T extends { status: number }>(
  request: { method: string; url: URL; provider: string; operation: string },
  exchange: () => Promise<T>,
): Promise<T> {
  const { url } = request;
  const span = trace.getTracer(SCOPE).startSpan(
    request.method,
    {
      kind: SpanKind.CLIENT,
      attributes: {
        'http.request.method': request.method,
        'server.address': url.hostname,
        'server.port': Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
        'url.scheme': url.protocol.replace(/:$/, ''),
        'integration.provider': request.provider,
        'integration.operation': request.operation,
      },
    },
    context.active(),
  );
  try {
    const result = await exchange();
    span.setAttribute('http.response.status_code', result.status);
    if (result.status >= 400) {
      span.setAttribute('error.type', String(result.status));
      span.setStatus({ code: SpanStatusCode.ERROR });
    }
    return result;
  } catch (error) {
    span.setAttribute('error.type', (error as { code?: string }).code ?? (error as Error).name ?? 'Error');
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
