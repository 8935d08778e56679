/**
 * LinkedIn error responses → the IntegrationError taxonomy. LinkedIn answers `{status, serviceErrorCode?, code?,
 * message}`; Rest.li validation (422) only `{message, status}` with one "ERROR :: /path :: reason" line per problem.
 * Tokens never reach a message: the Authorization header is not echoed by LinkedIn, and bodies are redacted anyway.
 */
import { classifyHttpStatus, IntegrationError, parseRetryAfter, type ErrorClass, classifyTransportFailure } from '@junction/resilience';

export const PROVIDER = 'linkedin';
const MAX_MESSAGE = 500;

/**
 * LinkedIn answered 426: the `LinkedIn-Version` is sunset (or not released). Not retryable and not the command's
 * fault: the connection's (or LINKEDIN_VERSION's) version must change. `version` is what was sent.
 */
export class LinkedInVersionSunsetError extends IntegrationError {
  constructor(
    readonly version: string,
    operation: string,
    message: string,
  ) {
    super('client', message, { provider: PROVIDER, operation, status: 426 });
  }
}

/** Milliseconds until the next midnight UTC: when LinkedIn's daily quotas reset. */
export function msUntilMidnightUtc(now: Date): number {
  const next = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return next - now.getTime();
}

/** `ERROR :: /commentary :: reason\n…` → "/commentary: reason; …" (any other message unchanged). */
export function restliMessage(message: string): string {
  const lines = message
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = /^ERROR :: (\S+) :: (.+)$/.exec(l);
      return m ? `${m[1]}: ${m[2]}` : l;
    });
  return lines.join('; ');
}

export function httpError(
  operation: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
  rawText: string,
  context: { version: string; now: Date; redact: (text: string) => string },
): IntegrationError {
  let body: { message?: unknown; code?: unknown; serviceErrorCode?: unknown; error?: unknown; error_description?: unknown } | undefined;
  try {
    body = JSON.parse(rawText) as typeof body;
  } catch {
    body = undefined;
  }
  const raw = typeof body?.message === 'string' ? body.message : typeof body?.error_description === 'string' ? body.error_description : rawText.slice(0, 200);
  const code = typeof body?.code === 'string' ? ` ${body.code}` : '';
  const detail = context.redact(restliMessage(raw) || `HTTP ${status}`);
  const text = (label: string) => `LinkedIn ${operation} failed (${status}${code}): ${label}`.slice(0, MAX_MESSAGE);

  if (status === 426) {
    return new LinkedInVersionSunsetError(
      context.version,
      operation,
      text(`${detail}. LinkedIn-Version ${context.version} is sunset or not active: set the connection's config.version (or LINKEDIN_VERSION) to an active YYYYMM`),
    );
  }
  const errorClass: ErrorClass = classifyHttpStatus(status);
  let retryAfterMs: number | undefined;
  if (errorClass === 'rate_limit') {
    // LinkedIn's daily quotas answer 429 without Retry-After and reset at midnight UTC: come back then, not in seconds.
    retryAfterMs = parseRetryAfter(headers['retry-after']) ?? msUntilMidnightUtc(context.now);
  } else if (status === 503) {
    retryAfterMs = parseRetryAfter(headers['retry-after']);
  }
  return new IntegrationError(errorClass, text(detail), { provider: PROVIDER, operation, status, retryAfterMs });
}

/** Transport failures (no HTTP response): timeout or network, never a provider decision. */
export function transportError(operation: string, error: unknown, timeoutMs: number): IntegrationError {
  const { errorClass, detail } = classifyTransportFailure(error, timeoutMs);
  return new IntegrationError(errorClass, `LinkedIn ${operation} failed (${errorClass}): ${detail}`.slice(0, MAX_MESSAGE), { provider: PROVIDER, operation, cause: error });
}
