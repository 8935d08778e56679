/**
 * When a handler fails with a retryable error, how long the broker waits before delivering again:
 * exponential backoff with full jitter (AWS architecture blog's "Exponential Backoff And Jitter") and a
 * cap; a provider's Retry-After wins when it asks for longer.
 */
export interface RetryPolicyOptions {
  baseDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetryPolicy: RetryPolicyOptions = { baseDelayMs: 1_000, maxDelayMs: 5 * 60_000 };

/**
 * The longest wait a Retry-After (a provider's, or our own limiter's retryAt) can ask for: past a daily quota's reset
 * at midnight UTC, with room for clock skew. A command over LinkedIn's 100 calls/day waits for the reset in one
 * redelivery instead of spending its deliveries hourly and being dead-lettered.
 */
export const MAX_RETRY_AFTER_MS = 25 * 60 * 60_000;

export function redeliveryDelayMs(
  deliveryCount: number,
  options: RetryPolicyOptions = defaultRetryPolicy,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(deliveryCount - 1, 0), 30);
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** exponent);
  const jittered = Math.floor(random() * ceiling);
  return retryAfterMs !== undefined && retryAfterMs > jittered ? Math.min(retryAfterMs, MAX_RETRY_AFTER_MS) : jittered;
}
