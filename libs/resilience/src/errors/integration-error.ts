/**
 * The error taxonomy every external call is classified into. Whether a class is retryable is decided here,
 * once; the message settlement policy and the retry policy both read `retryable`.
 */
export const ErrorClasses = {
  network: { retryable: true, code: 'PROVIDER_NETWORK' },
  timeout: { retryable: true, code: 'PROVIDER_TIMEOUT' },
  rate_limit: { retryable: true, code: 'PROVIDER_RATE_LIMITED' },
  server: { retryable: true, code: 'PROVIDER_UNAVAILABLE' },
  circuit_open: { retryable: true, code: 'CIRCUIT_OPEN' },
  client: { retryable: false, code: 'PROVIDER_REJECTED' },
  auth: { retryable: false, code: 'PROVIDER_AUTH' },
  forbidden: { retryable: false, code: 'PROVIDER_FORBIDDEN' },
  not_found: { retryable: false, code: 'PROVIDER_NOT_FOUND' },
  conflict: { retryable: false, code: 'PROVIDER_CONFLICT' },
  validation: { retryable: false, code: 'PROVIDER_VALIDATION' },
} as const;
export type ErrorClass = keyof typeof ErrorClasses;

export interface IntegrationErrorOptions {
  provider: string;
  operation: string;
  status?: number;
  /** From Retry-After or a rate limiter: when capacity returns. */
  retryAfterMs?: number;
  cause?: unknown;
}

export class IntegrationError extends Error {
  override readonly name = 'IntegrationError';
  readonly code: string;
  readonly retryable: boolean;
  readonly provider: string;
  readonly operation: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(
    readonly errorClass: ErrorClass,
    message: string,
    options: IntegrationErrorOptions,
  ) {
    super(message, { cause: options.cause });
    this.code = ErrorClasses[errorClass].code;
    this.retryable = ErrorClasses[errorClass].retryable;
    this.provider = options.provider;
    this.operation = options.operation;
    this.status = options.status;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** HTTP status → class, for providers without a richer error body. 408 and 429 are retryable. */
export function classifyHttpStatus(status: number): ErrorClass {
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 408) return 'timeout';
  if (status === 409) return 'conflict';
  if (status === 417 || status === 422) return 'validation';
  if (status === 429) return 'rate_limit';
  if (status >= 500) return 'server';
  return 'client';
}
