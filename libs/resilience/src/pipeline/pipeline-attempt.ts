import type { ProviderLimitObservation } from '../rate-limit/rate-limiter.port';
import type { Attempt } from './resilience.types';

/**
 * What the pipeline hands each attempt: the contract's Attempt plus where it is going and a way to report
 * the provider's rate-limit headers. A plain `ProviderCall<T>` (taking `Attempt`) is accepted wherever a
 * `PipelineCall<T>` is expected.
 */
export interface PipelineAttempt extends Attempt {
  readonly provider: string;
  /** The connection this attempt runs on: differs from the context's when falling back to an alternative. */
  readonly connection: string;
  /**
   * Report what the provider said about its limits (see `limitObservationFromHeaders`); the pipeline
   * forwards it to `RateLimiter.observe`, off the call's path. A 429 with Retry-After is reported by the
   * pipeline itself from the IntegrationError's `retryAfterMs`.
   */
  observeLimits(observation: ProviderLimitObservation): void;
}

export type PipelineCall<T> = (attempt: PipelineAttempt) => Promise<T>;
