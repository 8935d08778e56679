/**
 * HubSpot v3 error responses → the IntegrationError taxonomy. HubSpot's envelope is
 * `{status:"error", message, correlationId, category, errors?, context?}`; `category` is the stable field, `message`
 * prose (kept, redacted and bounded, because it names the property that failed). Tokens never reach a message: it
 * can travel to logs, dead letters and the `<command>.failed` event.
 */
import { classifyHttpStatus, IntegrationError, parseRetryAfter, type ErrorClass, classifyTransportFailure } from '@junction/resilience';

export const PROVIDER = 'crm';
const MAX_MESSAGE = 500;

/** HubSpot categories → classes. Status decides for 429 and 5xx (a proxy's 503 has no HubSpot category). */
const CATEGORY_CLASSES: Readonly<Record<string, ErrorClass>> = {
  VALIDATION_ERROR: 'validation',
  PROPERTY_DOESNT_EXIST: 'validation',
  INVALID_EMAIL: 'validation',
  CONFLICT: 'conflict',
  OBJECT_ALREADY_EXISTS: 'conflict',
  OBJECT_NOT_FOUND: 'not_found',
  INVALID_AUTHENTICATION: 'auth',
  EXPIRED_AUTHENTICATION: 'auth',
  MISSING_SCOPES: 'forbidden',
  RATE_LIMITS: 'rate_limit',
};

/** An IntegrationError with what HubSpot said about it; `existingId` on a duplicate contact (409 "Existing ID: N"). */
export class HubSpotError extends IntegrationError {
  readonly category?: string;
  readonly correlationId?: string;
  readonly existingId?: string;

  constructor(errorClass: ErrorClass, message: string, options: ConstructorParameters<typeof IntegrationError>[2] & { category?: string; correlationId?: string; existingId?: string }) {
    super(errorClass, message, options);
    this.category = options.category;
    this.correlationId = options.correlationId;
    this.existingId = options.existingId;
  }
}

/** Removes the Bearer token in use and anything shaped like a HubSpot token (private-app `pat-…`, OAuth `CO…` bearer). */
export function redact(text: string, ...secrets: (string | undefined)[]): string {
  let out = text;
  for (const s of secrets.filter((x): x is string => typeof x === 'string' && x.length >= 4).sort((a, b) => b.length - a.length)) out = out.split(s).join('[REDACTED]');
  return out.replace(/\bBearer\s+[^\s"',]+/gi, 'Bearer [REDACTED]').replace(/\bpat-[a-z0-9]+-[A-Za-z0-9-]+/g, '[REDACTED]');
}

interface ErrorBody {
  message?: unknown;
  category?: unknown;
  correlationId?: unknown;
  policyName?: unknown;
}

function parseBody(text: string): ErrorBody | undefined {
  try {
    const body: unknown = JSON.parse(text);
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as ErrorBody) : undefined;
  } catch {
    return undefined;
  }
}

const header = (headers: Record<string, string | string[] | undefined>, name: string): string | undefined => {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Milliseconds until the next midnight UTC: when HubSpot's daily allowance resets. */
export function untilUtcMidnight(now = Date.now()): number {
  const d = new Date(now);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + 1) - now;
}

export function httpError(
  operation: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  rawText: string,
  secret: string | undefined,
): HubSpotError {
  const body = parseBody(rawText);
  const category = typeof body?.category === 'string' ? body.category : undefined;
  const byCategory = category ? CATEGORY_CLASSES[category] : undefined;
  const errorClass: ErrorClass = status === 429 || status >= 500 || !byCategory ? classifyHttpStatus(status) : byCategory;
  const text = typeof body?.message === 'string' && body.message !== '' ? body.message : rawText.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200) || `HTTP ${status}`;
  const existingId = errorClass === 'conflict' ? /Existing ID:\s*(\d+)/i.exec(text)?.[1] : undefined;

  let retryAfterMs: number | undefined;
  if (errorClass === 'rate_limit' || status === 503) {
    retryAfterMs = parseRetryAfter(header(headers, 'retry-after'));
    // The daily allowance is spent: nothing frees up before midnight UTC, whatever the header (often absent) says.
    if (retryAfterMs === undefined && body?.policyName === 'DAILY') retryAfterMs = untilUtcMidnight();
  }
  const label = category ? `${status} ${category}` : `${status}`;
  return new HubSpotError(errorClass, redact(`HubSpot ${operation} failed (${label}): ${text}`, secret).slice(0, MAX_MESSAGE), {
    provider: PROVIDER,
    operation,
    status,
    retryAfterMs,
    category,
    correlationId: typeof body?.correlationId === 'string' ? body.correlationId : header(headers, 'x-hubspot-correlation-id'),
    existingId,
  });
}

/** No HTTP response: a timeout or a network failure (anything unrecognised is `network`: it never reached a decision). */
export function transportError(operation: string, error: unknown, timeoutMs: number, secret: string | undefined): IntegrationError {
  const { errorClass, detail } = classifyTransportFailure(error, timeoutMs);
  return new IntegrationError(errorClass, redact(`HubSpot ${operation} failed (${errorClass}): ${detail}`, secret).slice(0, MAX_MESSAGE), {
    provider: PROVIDER,
    operation,
    cause: error,
  });
}
