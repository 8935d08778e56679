import type { ProviderLimitObservation } from '../rate-limit/rate-limiter.port';
import type { Attempt } from './resilience.types';

/** undici request options that bound one attempt on the wire; see `PipelineAttempt.requestOptions`. */
export interface AttemptRequestOptions {
  readonly headersTimeout: number;
  readonly bodyTimeout: number;
  /** The caller's signal (shutdown), when the call has one. */
  readonly signal: AbortSignal | undefined;
}

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
   * For undici clients, instead of `signal`: spread into `request()` options. undici's own headersTimeout
   * and bodyTimeout at the attempt's limit end the exchange on the wire, and the caller's signal (only when
   * there is one) cancels it, so no AbortSignal is created per attempt — on Node 20 creating one and
   * undici's abort listener cost more than the rest of the pipeline. The pipeline abandons the attempt at
   * its limit either way; the difference is only how the socket learns: undici checks these timeouts on a
   * ~0.5 s tick (so up to a second after the limit), bodyTimeout bounds the gaps between body chunks rather
   * than the whole body, and a request still queued for a connection at the limit is sent late instead of
   * dropped (providerDispatcher does not cap connections, so nothing queues by default). Clients classify
   * undici's HeadersTimeoutError/BodyTimeoutError as `timeout`. Reading `signal` as well still works: it is
   * created then.
   */
  readonly requestOptions: AttemptRequestOptions;
  /**
   * Report what the provider said about its limits (see `limitObservationFromHeaders`); the pipeline
   * forwards it to `RateLimiter.observe`, off the call's path. A 429 with Retry-After is reported by the
   * pipeline itself from the IntegrationError's `retryAfterMs`.
   */
  observeLimits(observation: ProviderLimitObservation): void;
}

export type PipelineCall<T> = (attempt: PipelineAttempt) => Promise<T>;
