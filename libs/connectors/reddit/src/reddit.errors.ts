/**
 * Reddit failures → the IntegrationError taxonomy. Reddit's JSON errors are `{message, error}` (sometimes with a
 * `reason`: private, banned, quarantined); messages are redacted because they travel to logs and dead letters.
 */
import { classifyHttpStatus, IntegrationError, parseRetryAfter, type ErrorClass, classifyTransportFailure } from '@junction/resilience';

export const PROVIDER = 'reddit';
const MAX_MESSAGE = 500;

export class Redactor {
  private readonly secrets: string[];
  constructor(...secrets: string[]) {
    this.secrets = secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
  }
  add(secret: string): void {
    if (secret.length >= 4 && !this.secrets.includes(secret)) this.secrets.push(secret);
  }
  redact(text: string): string {
    return this.secrets.reduce((t, s) => t.split(s).join('[REDACTED]'), text);
  }
}

type Headers = Record<string, string | string[] | undefined>;

export function redditHttpError(operation: string, status: number, headers: Headers, rawText: string, redactor: Redactor, resetMs?: number): IntegrationError {
  let detail = `HTTP ${status}`;
  try {
    const body = JSON.parse(rawText) as { message?: unknown; reason?: unknown; error?: unknown; explanation?: unknown };
    const parts = [body.message, body.reason, body.explanation].filter((p): p is string => typeof p === 'string' && p !== '');
    if (parts.length > 0) detail = parts.join(': ');
  } catch {
    const snippet = rawText.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
    if (snippet !== '') detail = snippet;
  }
  const errorClass = classifyHttpStatus(status);
  // Reddit's 429 says when the window resets (X-Ratelimit-Reset); Retry-After when a proxy adds it.
  const retryAfterMs = errorClass === 'rate_limit' || status === 503 ? (parseRetryAfter(headers['retry-after']) ?? resetMs) : undefined;
  return new IntegrationError(errorClass, redactor.redact(`Reddit ${operation} failed (${status}): ${detail}`).slice(0, MAX_MESSAGE), {
    provider: PROVIDER,
    operation,
    status,
    retryAfterMs,
  });
}

/** No HTTP response: a timeout, or `network` for anything else (it never reached a decision). */
export function redditTransportError(operation: string, error: unknown, timeoutMs: number, redactor: Redactor): IntegrationError {
  const { errorClass, detail } = classifyTransportFailure(error, timeoutMs);
  return new IntegrationError(errorClass, redactor.redact(`Reddit ${operation} failed (${errorClass}): ${detail}`).slice(0, MAX_MESSAGE), { provider: PROVIDER, operation, cause: error });
}

export function malformed(operation: string, status?: number): IntegrationError {
  return new IntegrationError('client', `Reddit ${operation} returned an unexpected response body`, { provider: PROVIDER, operation, status });
}
