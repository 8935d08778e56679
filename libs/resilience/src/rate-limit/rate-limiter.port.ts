import type { RateLimitRule } from '../pipeline/resilience.types';

/** Whose budget: limits are shared by every replica calling the same provider connection. */
export interface RateLimitKey {
  readonly provider: string;
  readonly connection: string;
}

export type Acquisition =
  | { readonly granted: true }
  /** `retryAt`: when capacity returns (epoch ms), so a worker can reschedule instead of holding a message. */
  | { readonly granted: false; readonly rule: string; readonly retryAt: number };

export interface RateLimiter {
  /**
   * Takes one permit from every rule, atomically per rule (one statement each). Does not wait: the pipeline
   * decides whether the caller's deadline allows waiting until `retryAt`.
   */
  tryAcquire(key: RateLimitKey, rules: readonly RateLimitRule[]): Promise<Acquisition>;
  /**
   * Tightens the local view from what the provider said (X-Ratelimit-Remaining/Reset,
   * X-Shopify-Shop-Api-Call-Limit): never grants more than the provider says is left.
   */
  observe(key: RateLimitKey, observation: ProviderLimitObservation): Promise<void>;
}

export interface ProviderLimitObservation {
  /** Calls the provider says remain in its current window. */
  readonly remaining: number;
  /** When the provider's window resets (epoch ms), if it said. */
  readonly resetAt?: number;
  /** The rule this observation applies to (default: the first rule). */
  readonly rule?: string;
}
