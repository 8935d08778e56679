/**
 * Takes one permit per attempt from the shared limiter. Near the limit the caller waits if its deadline
 * (and maxWaitMs) allows; otherwise it gets `rate_limit` with the time capacity returns, so a worker
 * reschedules the message instead of holding it.
 */
import { IntegrationError } from '../errors/integration-error';
import { cancelledError } from '../timeout/attempt-timeout';
import { sleep } from '../timeout/sleep';
import type { RateLimitRule } from '../pipeline/resilience.types';
import type { RateLimiter, RateLimitKey } from './rate-limiter.port';

export interface RateLimitStep {
  readonly limiter: RateLimiter;
  readonly key: RateLimitKey;
  readonly rules: readonly RateLimitRule[];
  /** Longest single wait for capacity; beyond it the call is deferred even if the deadline would allow. */
  readonly maxWaitMs: number;
}

/** Local denials are ours, not the provider's: the retry loop must not retry them, only report them. */
const localDenials = new WeakSet<object>();
export const isLocalRateLimit = (error: unknown): boolean => typeof error === 'object' && error !== null && localDenials.has(error);

export async function acquirePermit(
  step: RateLimitStep,
  operation: string,
  deadline: number,
  signal: AbortSignal | undefined,
  now: () => number = Date.now,
): Promise<void> {
  for (;;) {
    const acquisition = await step.limiter.tryAcquire(step.key, step.rules);
    if (acquisition.granted) return;
    const t = now();
    const waitMs = Math.max(0, acquisition.retryAt - t);
    if (acquisition.retryAt >= deadline || waitMs > step.maxWaitMs) {
      const error = new IntegrationError(
        'rate_limit',
        `${step.key.provider}/${step.key.connection} ${operation}: rate limit '${acquisition.rule}' exhausted for ${waitMs} ms`,
        { provider: step.key.provider, operation, retryAfterMs: waitMs },
      );
      localDenials.add(error);
      throw error;
    }
    try {
      await sleep(waitMs, signal);
    } catch (reason) {
      throw cancelledError(step.key.provider, operation, reason);
    }
  }
}
