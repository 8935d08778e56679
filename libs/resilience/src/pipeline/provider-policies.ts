/**
 * Default policy per provider; a connection can override any part (ResiliencePipelines `overrides`).
 * Limits from the integration spec and PROVIDERS.md. Retries stay few and the breaker sensitive: a worker
 * that gives up early reschedules the message, which is cheaper than holding it through a long outage.
 */
import type { BreakerPolicy, FallbackPolicy, RateLimitRule, ResiliencePolicy, RetryPolicy, TimeoutPolicy } from './resilience.types';

const timeouts: TimeoutPolicy = { connectMs: 3_000, attemptMs: 10_000, totalMs: 30_000 };
const retry: RetryPolicy = { maxAttempts: 4, baseDelayMs: 250, maxDelayMs: 8_000 };
const breaker: BreakerPolicy = { enabled: true, errorThresholdPercentage: 50, volumeThreshold: 10, rollingWindowMs: 30_000, resetTimeoutMs: 15_000 };

/** Providers not listed: timeouts, retries and a breaker, no rate limit. */
export const DEFAULT_POLICY: ResiliencePolicy = { timeouts, retry, breaker, rateLimits: [] };

export const PROVIDER_POLICIES: Readonly<Record<string, ResiliencePolicy>> = {
  erpnext: { ...DEFAULT_POLICY, rateLimits: [{ kind: 'quota', name: 'erpnext-hourly', limit: 1_000, window: 'hour' }] },
  // 100/day per member, reset at midnight UTC, 429 without Retry-After: retrying soon is pointless.
  linkedin: {
    ...DEFAULT_POLICY,
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 10_000 },
    rateLimits: [{ kind: 'quota', name: 'linkedin-daily', limit: 100, window: 'day' }],
  },
  // Completions are slow: a long attempt budget, fewer attempts.
  openai: {
    ...DEFAULT_POLICY,
    timeouts: { connectMs: 3_000, attemptMs: 60_000, totalMs: 120_000 },
    retry: { maxAttempts: 3, baseDelayMs: 1_000, maxDelayMs: 20_000 },
    rateLimits: [{ kind: 'quota', name: 'openai-minute', limit: 60, window: 'minute' }],
  },
  // Any MCP server (libs/mcp): a tool may run for a minute (a report, an agent's research), and a stdio server may
  // take seconds to start. Tool calls are retried only when the tool declares itself idempotent (libs/mcp).
  mcp: {
    ...DEFAULT_POLICY,
    timeouts: { connectMs: 10_000, attemptMs: 60_000, totalMs: 120_000 },
    retry: { maxAttempts: 3, baseDelayMs: 500, maxDelayMs: 10_000 },
  },
  reddit: { ...DEFAULT_POLICY, rateLimits: [{ kind: 'quota', name: 'reddit-minute', limit: 100, window: 'minute' }] },
  // Leaky bucket 40 @ 2/s; over it 429 with Retry-After "2.0".
  shopify: { ...DEFAULT_POLICY, rateLimits: [{ kind: 'token-bucket', name: 'shopify-bucket', capacity: 40, refillPerSecond: 2 }] },
  // HubSpot-style: 100 requests per 10 s burst for private apps, and a daily cap.
  crm: {
    ...DEFAULT_POLICY,
    rateLimits: [
      { kind: 'token-bucket', name: 'crm-burst', capacity: 100, refillPerSecond: 10 },
      { kind: 'quota', name: 'crm-daily', limit: 250_000, window: 'day' },
    ],
  },
};

/** A connection's changes to its provider's policy; unspecified fields keep the provider's values. */
export interface PolicyOverride {
  readonly timeouts?: Partial<TimeoutPolicy>;
  readonly retry?: Partial<RetryPolicy>;
  readonly breaker?: Partial<BreakerPolicy>;
  /** Replaces the provider's rules (a connection with its own plan has its own limits). */
  readonly rateLimits?: readonly RateLimitRule[];
  readonly fallback?: FallbackPolicy;
}

export function mergePolicy(base: ResiliencePolicy, override?: PolicyOverride): ResiliencePolicy {
  if (!override) return base;
  return {
    timeouts: { ...base.timeouts, ...override.timeouts },
    retry: { ...base.retry, ...override.retry },
    breaker: { ...base.breaker, ...override.breaker },
    rateLimits: override.rateLimits ?? base.rateLimits,
    fallback: override.fallback === undefined ? base.fallback : { ...base.fallback, ...override.fallback },
  };
}
