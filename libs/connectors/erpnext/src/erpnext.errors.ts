/**
 * Frappe error responses → the IntegrationError taxonomy. Messages come from `_server_messages` (what a
 * user would have seen in the desk), else `exception`, else `exc_type`; HTML is stripped and credentials
 * are redacted because a message can travel to logs, dead letters and API responses.
 */
import { classifyHttpStatus, IntegrationError, parseRetryAfter, type ErrorClass, classifyTransportFailure } from '@junction/resilience';

export const PROVIDER = 'erpnext';
const MAX_MESSAGE = 500;

export function stripHtml(text: string): string {
  return text
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `_server_messages` is a JSON string of a list of JSON strings, each `{message, title?, …}`. */
export function parseServerMessages(raw: unknown): string[] {
  if (typeof raw !== 'string' || raw === '') return [];
  let outer: unknown;
  try {
    outer = JSON.parse(raw);
  } catch {
    return [stripHtml(raw)];
  }
  if (!Array.isArray(outer)) return [];
  return outer
    .map((entry: unknown) => {
      if (typeof entry !== 'string') return '';
      try {
        const inner: unknown = JSON.parse(entry);
        if (inner && typeof inner === 'object' && 'message' in inner) return stripHtml(String(inner.message));
        return typeof inner === 'string' ? stripHtml(inner) : '';
      } catch {
        return stripHtml(entry);
      }
    })
    .filter((m) => m !== '');
}

/** "frappe.exceptions.ValidationError: Foo" → "Foo"; a bare class path → its last segment. */
function fromException(exception: unknown): string | undefined {
  if (typeof exception !== 'string' || exception.trim() === '') return undefined;
  const m = /^[\w.]+(?:Error|Exception)\w*:\s*(.+)$/s.exec(exception.trim());
  return stripHtml(m ? m[1]! : exception.trim().split('.').pop()!);
}

export function frappeErrorMessage(status: number, body: unknown, rawText: string): { message: string; excType?: string } {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const excType = typeof b.exc_type === 'string' ? b.exc_type : undefined;
    const messages = parseServerMessages(b._server_messages);
    const text = messages.length > 0 ? messages.join('; ') : (fromException(b.exception) ?? excType);
    if (text) return { message: text, excType };
  }
  const snippet = stripHtml(rawText).slice(0, 200);
  return { message: snippet !== '' ? snippet : `HTTP ${status}` };
}

/** One Retry-After parser for every provider lives in the resilience lib; re-exported for existing callers. */
export { parseRetryAfter };

export class Redactor {
  private readonly secrets: string[];
  constructor(...secrets: string[]) {
    // Longest first so "key:secret" is replaced whole before "secret" alone.
    this.secrets = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  }
  redact(text: string): string {
    return this.secrets.reduce((t, s) => t.split(s).join('[REDACTED]'), text);
  }
}

export function httpError(
  operation: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  rawText: string,
  redactor: Redactor,
): IntegrationError {
  let body: unknown;
  try {
    body = JSON.parse(rawText);
  } catch {
    body = undefined;
  }
  const { message, excType } = frappeErrorMessage(status, body, rawText);
  const errorClass = classifyHttpStatus(status);
  const label = excType ? `${status} ${excType}` : `${status}`;
  return new IntegrationError(
    errorClass,
    redactor.redact(`ERPNext ${operation} failed (${label}): ${message}`).slice(0, MAX_MESSAGE),
    {
      provider: PROVIDER,
      operation,
      status,
      retryAfterMs: errorClass === 'rate_limit' || status === 503 ? parseRetryAfter(headers['retry-after']) : undefined,
    },
  );
}

/** Transport failures (no HTTP response). Anything unrecognised is `network`: it never reached a decision. */
export function transportError(operation: string, error: unknown, timeoutMs: number, redactor: Redactor): IntegrationError {
  const { errorClass, detail } = classifyTransportFailure(error, timeoutMs);
  return new IntegrationError(errorClass, redactor.redact(`ERPNext ${operation} failed (${errorClass}): ${detail}`).slice(0, MAX_MESSAGE), {
    provider: PROVIDER,
    operation,
    cause: error,
  });
}
