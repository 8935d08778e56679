export * from './errors/integration-error';
export * from './pipeline/resilience.types';
export * from './rate-limit/rate-limiter.port';
export * from './telemetry/call-observer';
export { parseRetryAfter, parseHttpDate, RETRY_AFTER_CAP_MS } from './retry/retry-after';
export { backoffDelay, type BackoffOptions } from './retry/backoff';
