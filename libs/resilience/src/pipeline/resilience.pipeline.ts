/**
 * fallback( breaker( retry( rateLimit → timeout( call )))) for one provider + connection.
 *
 * The deadline is min(context deadline, now + totalMs) and bounds everything: no attempt, backoff or
 * rate-limit wait runs past it. Each attempt is reported to the CallObserver once; the last failed
 * attempt's record is held back until the fallback has decided, so it says whether the call was degraded.
 */
import { Logger } from '@nestjs/common';
import { IntegrationError } from '../errors/integration-error';
import { ProviderBreaker } from '../breaker/provider-breaker';
import { LastGoodCache } from '../fallback/last-good.cache';
import { serveFallback } from '../fallback/fallback';
import { acquirePermit, type RateLimitStep } from '../rate-limit/rate-limit.step';
import type { ProviderLimitObservation, RateLimiter } from '../rate-limit/rate-limiter.port';
import { backoffDelay } from '../retry/backoff';
import { cancelledError, isCallerCancellation, runWithTimeout, type LazySignal } from '../timeout/attempt-timeout';
import { sleep } from '../timeout/sleep';
import { silentObserver, type CallAttemptRecord, type CallObserver } from '../telemetry/call-observer';
import type { PipelineAttempt, PipelineCall } from './pipeline-attempt';
import type { CallContext, CallOutcome, ResiliencePolicy } from './resilience.types';

export interface ResiliencePipelineOptions {
  readonly provider: string;
  readonly connection: string;
  readonly policy: ResiliencePolicy;
  /** Shared limiter; without one (or without rules) the rate-limit step is skipped. */
  readonly limiter?: RateLimiter;
  readonly observer?: CallObserver;
  /** Longest wait for rate-limit capacity before deferring instead (default 5 s). */
  readonly maxRateLimitWaitMs?: number;
  /** Last-good cache entries kept (default 1000). */
  readonly cacheSize?: number;
  /** Resolves the pipeline of an alternative connection (set by ResiliencePipelines). */
  readonly alternative?: (connection: string) => ResiliencePipeline;
  readonly random?: () => number;
}

const valueOf = <T>(outcome: CallOutcome<T>): T => outcome.value;

/** Failures after which the provider may have done the work: a non-idempotent call must not be repeated. */
const MAY_HAVE_TAKEN_EFFECT = new Set(['timeout', 'server', 'network']);

interface CallState {
  /** The final failed attempt's record, emitted once the fallback has decided. */
  pending?: CallAttemptRecord;
}

export class ResiliencePipeline {
  readonly provider: string;
  readonly connection: string;
  readonly policy: ResiliencePolicy;
  readonly breaker: ProviderBreaker;
  private readonly logger = new Logger(ResiliencePipeline.name);
  private readonly observer: CallObserver;
  private readonly rateLimit?: RateLimitStep;
  private readonly cache: LastGoodCache;
  private readonly random: () => number;

  constructor(private readonly options: ResiliencePipelineOptions) {
    this.provider = options.provider;
    this.connection = options.connection;
    this.policy = options.policy;
    this.observer = options.observer ?? silentObserver;
    this.breaker = new ProviderBreaker(options.provider, options.connection, options.policy.breaker, this.observer);
    this.cache = new LastGoodCache(options.cacheSize);
    this.random = options.random ?? Math.random;
    if (options.limiter && options.policy.rateLimits.length > 0) {
      this.rateLimit = {
        limiter: options.limiter,
        key: { provider: options.provider, connection: options.connection },
        rules: options.policy.rateLimits,
        maxWaitMs: options.maxRateLimitWaitMs ?? 5_000,
      };
    }
  }

  /** The value, or a degraded one from the fallback; throws a classified IntegrationError otherwise. */
  execute<T>(ctx: CallContext, call: PipelineCall<T>): Promise<CallOutcome<T>> {
    const deadline = Math.min(ctx.deadline ?? Infinity, Date.now() + this.policy.timeouts.totalMs);
    const state: CallState = {};
    // then() rather than async/await: this wraps every provider call, and each saved promise hop shows.
    return this.guarded(ctx, call, deadline, state).then(
      (value) => {
        if (ctx.cacheKey !== undefined && this.policy.fallback?.cacheTtlMs !== undefined) this.cache.set(ctx.cacheKey, value);
        return { value, degraded: false } as const;
      },
      (error: unknown) => (error instanceof IntegrationError ? this.recover(ctx, call, deadline, state, error) : Promise.reject(error)),
    );
  }

  /** `execute` for callers that do not care whether the answer was degraded. */
  run<T>(ctx: CallContext, call: PipelineCall<T>): Promise<T> {
    return this.execute(ctx, call).then(valueOf);
  }

  private async recover<T>(ctx: CallContext, call: PipelineCall<T>, deadline: number, state: CallState, failure: IntegrationError): Promise<CallOutcome<T>> {
    const outcome = await serveFallback<T>(failure, {
      policy: this.policy.fallback,
      cache: this.cache,
      cacheKey: ctx.cacheKey,
      alternative: this.options.alternative
        ? (connection) => this.options.alternative!(connection).guarded({ ...ctx, connection }, call, deadline, {}, true)
        : undefined,
    });
    if (state.pending) this.emit(outcome ? { ...state.pending, degraded: true } : state.pending);
    if (outcome) return outcome;
    throw failure;
  }

  /** breaker( retry( … )), without fallback. `emitNow` emits the final record at once (alternative path). */
  private guarded<T>(ctx: CallContext, call: PipelineCall<T>, deadline: number, state: CallState, emitNow = false): Promise<T> {
    const started = performance.now();
    const result = this.breaker.execute(ctx.operation, (probe) => this.retry(ctx, call, deadline, probe, state));
    return result.catch((error: unknown) => {
      const translated = this.breaker.translate(error, ctx.operation);
      // Not a provider failure (our own database under the rate limiter, a bug): recorded, then passed on
      // as it is, so the caller's own policy (message redelivery) decides. Never disguised as a provider's
      // permanent rejection.
      if (!(translated instanceof IntegrationError)) {
        if (!state.pending) state.pending = this.record(ctx, 1, this.classify(translated, ctx.operation), performance.now() - started);
        this.emit(state.pending);
        state.pending = undefined;
        throw translated;
      }
      const failure = translated;
      if (failure.errorClass === 'circuit_open' && !state.pending) {
        state.pending = this.record(ctx, 1, failure, performance.now() - started);
      }
      if (emitNow && state.pending) {
        this.emit(state.pending);
        state.pending = undefined;
      }
      throw failure;
    });
  }

  private async retry<T>(ctx: CallContext, call: PipelineCall<T>, deadline: number, probe: boolean, state: CallState): Promise<T> {
    // The half-open probe gets one attempt: its verdict on the provider is one request, not a retry storm.
    const maxAttempts = probe ? 1 : this.policy.retry.maxAttempts;
    for (let number = 1; ; number++) {
      if (this.rateLimit) {
        const waitStarted = performance.now();
        try {
          await acquirePermit(this.rateLimit, ctx.operation, deadline, ctx.signal);
        } catch (error) {
          state.pending = this.record(ctx, number, this.classify(error, ctx.operation), performance.now() - waitStarted);
          throw error;
        }
      }
      const started = performance.now();
      try {
        const value = await runWithTimeout(
          { provider: this.provider, operation: ctx.operation, deadline, attemptMs: this.policy.timeouts.attemptMs, callerSignal: ctx.signal },
          (signal, remainingMs) => call(this.attempt(number, signal, remainingMs)),
        );
        this.emit(this.record(ctx, number, undefined, performance.now() - started));
        return value;
      } catch (raw) {
        if (!(raw instanceof IntegrationError)) {
          // A bug on our side of the wire, not a provider answer: not retried here, passed on unchanged.
          state.pending = this.record(ctx, number, this.classify(raw, ctx.operation), performance.now() - started);
          throw raw;
        }
        const error = raw;
        const record = this.record(ctx, number, error, performance.now() - started);
        if (error.errorClass === 'rate_limit' && error.retryAfterMs !== undefined) {
          this.observeLimits({ remaining: 0, resetAt: Date.now() + error.retryAfterMs });
        }
        const delay =
          error.retryable &&
          number < maxAttempts &&
          (ctx.idempotent !== false || !MAY_HAVE_TAKEN_EFFECT.has(error.errorClass)) &&
          !isCallerCancellation(error) &&
          !this.breaker.rejecting
            ? backoffDelay(number, this.policy.retry, deadline - Date.now(), error.retryAfterMs, this.random)
            : undefined;
        if (delay === undefined) {
          state.pending = record;
          throw error;
        }
        this.emit(record);
        try {
          await sleep(delay, ctx.signal);
        } catch (reason) {
          throw cancelledError(this.provider, ctx.operation, reason);
        }
      }
    }
  }

  private attempt(number: number, lazy: LazySignal, remainingMs: number): PipelineAttempt {
    return {
      number,
      get signal() {
        return lazy.signal;
      },
      remainingMs,
      provider: this.provider,
      connection: this.connection,
      observeLimits: this.observeLimits,
    };
  }

  private readonly observeLimits = (observation: ProviderLimitObservation): void => {
    const step = this.rateLimit;
    if (!step) return;
    step.limiter.observe(step.key, observation).catch((error: unknown) => {
      this.logger.warn(`rate limiter observe failed for ${this.provider}/${this.connection}: ${(error as Error).message}`);
    });
  };

  /** For the attempt record only: clients throw IntegrationErrors; anything else is labelled 'client'. */
  private classify(error: unknown, operation: string): IntegrationError {
    if (error instanceof IntegrationError) return error;
    const message = error instanceof Error ? error.message : String(error);
    return new IntegrationError('client', `${this.provider} ${operation} failed: ${message}`, { provider: this.provider, operation, cause: error });
  }

  private record(ctx: CallContext, attempt: number, error: IntegrationError | undefined, latencyMs: number): CallAttemptRecord {
    return {
      degraded: false,
      provider: this.provider,
      connection: this.connection,
      operation: ctx.operation,
      outcome: error ? error.errorClass : 'success',
      httpStatus: error?.status,
      latencyMs,
      attempt,
      breakerState: this.breaker.state,
      occurredAt: new Date(),
      correlationId: ctx.correlationId,
      messageId: ctx.messageId,
    };
  }

  private emit(record: CallAttemptRecord): void {
    try {
      this.observer.onAttempt(record);
    } catch (error) {
      // Telemetry must never fail a provider call.
      this.logger.error(`call observer failed: ${(error as Error).message}`);
    }
  }
}
