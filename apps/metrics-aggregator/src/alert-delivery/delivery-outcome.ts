import { backoffDelay } from '@junction/resilience';

/** What one attempt got: an HTTP answer, or none (network failure, timeout). */
export type SendResult =
  | { kind: 'response'; status: number; retryAfterMs?: number; detail: string; latencyMs: number }
  | { kind: 'transport'; errorClass: 'network' | 'timeout'; detail: string; latencyMs: number };

export interface RetryPolicy {
  /** Attempts in all, the first included; the last failure marks the delivery failed. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

/** What to write after an attempt. `outcome` is the Prometheus label of junction_alert_deliveries_total. */
export type Decision =
  | { status: 'delivered'; outcome: 'delivered' }
  | { status: 'pending'; outcome: 'retried'; delayMs: number }
  | { status: 'failed'; outcome: 'failed'; reason: 'permanent' | 'exhausted' };

/**
 * 2xx → delivered. 408, 429, 5xx and no answer at all → retry after exponential backoff with full jitter (the
 * receiver's Retry-After instead, when it sent one), until `maxAttempts`. Any other status (4xx, and 3xx: redirects
 * are not followed, a signed body must not land somewhere else) is permanent: retrying cannot change the answer.
 * `attempt` is 1 for the first.
 */
export function decide(result: SendResult, attempt: number, policy: RetryPolicy, random: () => number = Math.random): Decision {
  if (result.kind === 'response' && result.status >= 200 && result.status < 300) return { status: 'delivered', outcome: 'delivered' };
  if (!isRetryable(result)) return { status: 'failed', outcome: 'failed', reason: 'permanent' };
  if (attempt >= policy.maxAttempts) return { status: 'failed', outcome: 'failed', reason: 'exhausted' };
  const retryAfterMs = result.kind === 'response' ? result.retryAfterMs : undefined;
  const delayMs = backoffDelay(attempt, policy, Number.POSITIVE_INFINITY, retryAfterMs, random) ?? policy.maxDelayMs;
  return { status: 'pending', outcome: 'retried', delayMs };
}

export function isRetryable(result: SendResult): boolean {
  return result.kind === 'transport' || result.status === 408 || result.status === 429 || result.status >= 500;
}

/** The line stored in alert_delivery.lastError (and shown by the API): the status and the receiver's short answer. */
export function describeResult(result: SendResult, decision: Decision): string {
  const what = result.kind === 'response' ? `HTTP ${result.status}${result.detail ? `: ${result.detail}` : ''}` : `${result.errorClass}: ${result.detail}`;
  if (decision.status === 'failed') return `${what} (${decision.reason === 'permanent' ? 'permanent, not retried' : 'out of attempts'})`;
  return what;
}
