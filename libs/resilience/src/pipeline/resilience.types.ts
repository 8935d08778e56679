/**
 * The contract of the resilience pipeline: fallback( breaker( retry( rateLimit → timeout( call )))).
 * Every external call (REST or MCP) goes through one pipeline per provider + connection.
 */

/** Who is calling what, and by when. */
export interface CallContext {
  /** Provider key, e.g. 'erpnext', 'linkedin'; selects the default policy. */
  readonly provider: string;
  /** Connection id within the provider ('default' when there is one); breakers and limits are per connection. */
  readonly connection: string;
  /** What is being done, e.g. 'customer.create'. */
  readonly operation: string;
  /** Absolute deadline (epoch ms) for the whole call including retries, e.g. carried from the message. */
  readonly deadline?: number;
  /** Caller cancellation (shutdown). */
  readonly signal?: AbortSignal;
  /** Key of the last-good-response cache for fallback (operation + arguments); no caching without it. */
  readonly cacheKey?: string;
  /**
   * false for calls that must not run twice (a POST that creates something): a failure that may already
   * have taken effect (timeout, 5xx, a dropped connection) is then not retried within the call. The caller
   * retries later with its own check (look up before create), e.g. through message redelivery. Default true.
   */
  readonly idempotent?: boolean;
  readonly correlationId?: string;
  readonly messageId?: string;
}

/** What one attempt gets: its number and a signal that fires at the per-attempt timeout or the deadline. */
export interface Attempt {
  readonly number: number;
  readonly signal: AbortSignal;
  /** Milliseconds left before the total deadline. */
  readonly remainingMs: number;
}

export type ProviderCall<T> = (attempt: Attempt) => Promise<T>;

/** The result: the value, and whether it came from a fallback instead of the provider. */
export type CallOutcome<T> =
  | { readonly value: T; readonly degraded: false }
  | { readonly value: T; readonly degraded: true; readonly source: 'cache' | 'default' | 'alternative'; readonly reason: string };

export interface TimeoutPolicy {
  /** TCP/TLS connect timeout (applied by the provider's undici dispatcher). */
  readonly connectMs: number;
  /** One attempt, from request to complete body. */
  readonly attemptMs: number;
  /** All attempts together, unless the caller's deadline is sooner. */
  readonly totalMs: number;
}

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

export interface BreakerPolicy {
  readonly enabled: boolean;
  /** Open when this percentage of calls in the rolling window failed… */
  readonly errorThresholdPercentage: number;
  /** …and at least this many calls were made in it. */
  readonly volumeThreshold: number;
  readonly rollingWindowMs: number;
  /** Stay open this long, then let one probe through (half-open). */
  readonly resetTimeoutMs: number;
}

/** A token bucket (rate + burst) or a fixed quota window (per minute/hour/day, aligned to UTC). */
export type RateLimitRule =
  | { readonly kind: 'token-bucket'; readonly name: string; readonly capacity: number; readonly refillPerSecond: number }
  | { readonly kind: 'quota'; readonly name: string; readonly limit: number; readonly window: 'minute' | 'hour' | 'day' };

export interface FallbackPolicy {
  /** Serve the last good response for the same cacheKey when the call fails, if younger than this. */
  readonly cacheTtlMs?: number;
  /** Serve this value when the call fails (and no cache entry exists). */
  readonly defaultValue?: unknown;
  /** Retry the call once on this other connection of the same provider. */
  readonly alternativeConnection?: string;
}

export interface ResiliencePolicy {
  readonly timeouts: TimeoutPolicy;
  readonly retry: RetryPolicy;
  readonly breaker: BreakerPolicy;
  readonly rateLimits: readonly RateLimitRule[];
  readonly fallback?: FallbackPolicy;
}
