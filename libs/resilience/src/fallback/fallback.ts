/**
 * What a failed call can still answer with, in order of freshness: the same call on an alternative
 * connection, the last good response for the cacheKey, a default value. Only for failures that say the
 * provider is unavailable (retryable classes): serving a cached answer to a validation or auth error would
 * hide a bug, so those propagate.
 */
import type { IntegrationError } from '../errors/integration-error';
import { isCallerCancellation } from '../timeout/attempt-timeout';
import type { CallOutcome, FallbackPolicy } from '../pipeline/resilience.types';
import type { LastGoodCache } from './last-good.cache';

export interface FallbackSources<T> {
  readonly policy: FallbackPolicy | undefined;
  readonly cache: LastGoodCache;
  readonly cacheKey?: string;
  /** Runs the call on the alternative connection (without its own fallback). */
  readonly alternative?: (connection: string) => Promise<T>;
}

export function fallbackApplies(error: IntegrationError, policy: FallbackPolicy | undefined): boolean {
  return policy !== undefined && error.retryable && !isCallerCancellation(error);
}

/** A degraded outcome, or undefined when no source can answer. */
export async function serveFallback<T>(error: IntegrationError, sources: FallbackSources<T>): Promise<CallOutcome<T> | undefined> {
  const { policy, cache, cacheKey, alternative } = sources;
  if (!policy || !fallbackApplies(error, policy)) return undefined;
  const reason = `${error.errorClass}: ${error.message}`;
  if (policy.alternativeConnection !== undefined && alternative) {
    try {
      return { value: await alternative(policy.alternativeConnection), degraded: true, source: 'alternative', reason };
    } catch {
      // The alternative failed too: its own attempts are recorded by its pipeline; fall through to stale data.
    }
  }
  if (cacheKey !== undefined && policy.cacheTtlMs !== undefined) {
    const hit = cache.get(cacheKey, policy.cacheTtlMs);
    if (hit) return { value: hit.value as T, degraded: true, source: 'cache', reason: `${reason} (cached ${hit.ageMs} ms ago)` };
  }
  if (policy.defaultValue !== undefined) return { value: policy.defaultValue as T, degraded: true, source: 'default', reason };
  return undefined;
}
