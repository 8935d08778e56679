import type { ErrorClass } from './integration-error';

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_DESTROYED',
]);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The error and its causes (undici wraps them; AggregateError holds one per address tried), at most ten. */
function causes(error: unknown): unknown[] {
  const seen: unknown[] = [];
  const queue = [error];
  while (queue.length > 0 && seen.length < 10) {
    const e = queue.shift();
    if (!e || typeof e !== 'object' || seen.includes(e)) continue;
    seen.push(e);
    if ('cause' in e) queue.push(e.cause);
    if (e instanceof AggregateError) queue.push(...(e.errors as unknown[]));
  }
  return seen;
}

/**
 * A request that got no HTTP response, classified for every provider client: `timeout`, or `network` for anything
 * else (it never reached a decision, so it is safe to retry an idempotent call). `detail` is a short human reason;
 * clients redact their secrets from it before it goes into a message.
 */
export function classifyTransportFailure(error: unknown, timeoutMs: number): { errorClass: Extract<ErrorClass, 'network' | 'timeout'>; detail: string } {
  let detail = 'request failed';
  for (const e of causes(error)) {
    const { name, code, message } = e as { name?: string; code?: unknown; message?: string };
    if (name === 'TimeoutError' || (typeof code === 'string' && TIMEOUT_CODES.has(code))) return { errorClass: 'timeout', detail: `no response within ${timeoutMs} ms` };
    if (name === 'AbortError') return { errorClass: 'network', detail: 'aborted by the caller' };
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return { errorClass: 'network', detail: `${code}${message ? `: ${message}` : ''}` };
    if (message && detail === 'request failed') detail = message;
  }
  return { errorClass: 'network', detail };
}
