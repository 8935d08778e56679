/**
 * fallback( breaker( retry( rateLimit → timeout( call )))) for one provider + connection.
 *
 * The deadline is min(context deadline, now + totalMs) and bounds everything: no attempt, backoff or
 * rate-limit wait runs past it. Each attempt is reported to the CallObserver once; the last failed
 * attempt's record is held back until the fallback has decided, so it says whether the call was degraded.
 */
import { Logger } from '@nestjs/common';
import type { IntegrationError } from '../errors/integration-error';
import { ProviderBreaker } from '../breaker/provider-breaker';
import { LastGoodCache } from '../fallback/last-good.cache';
import { serveFallback } from '../fallback/fallback';
import type { RateLimitStep } from '../rate-limit/rate-limit.step';
import type { ProviderLimitObservation, RateLimiter } from '../rate-limit/rate-limiter.port';
import { AttemptRecorder } from '../telemetry/attempt-recorder';
import { silentObserver, type CallAttemptRecord, type CallObserver } from '../telemetry/call-observer';
import { CallRun, type CallEnv } from './call-run';
import type { PipelineCall } from './pipeline-attempt';
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

export class ResiliencePipeline {
  readonly provider: string;
  readonly connection: string;
  readonly policy: ResiliencePolicy;
  readonly breaker: ProviderBreaker;
  private readonly logger = new Logger(ResiliencePipeline.name);
  private readonly rateLimit?: RateLimitStep;
  private readonly recorder: AttemptRecorder;
  private readonly cache: LastGoodCache;
  /** What each call needs from its pipeline, built once rather than per call. */
  private readonly env: CallEnv;

  constructor(private readonly options: ResiliencePipelineOptions) {
    this.provider = options.provider;
    this.connection = options.connection;
    this.policy = options.policy;
    const observer = options.observer ?? silentObserver;
    this.breaker = new ProviderBreaker(options.provider, options.connection, options.policy.breaker, observer);
    this.recorder = new AttemptRecorder(options.provider, options.connection, observer, () => this.breaker.state);
    this.cache = new LastGoodCache(options.cacheSize);
    if (options.limiter && options.policy.rateLimits.length > 0) {
      this.rateLimit = {
        limiter: options.limiter,
        key: { provider: options.provider, connection: options.connection },
        rules: options.policy.rateLimits,
        maxWaitMs: options.maxRateLimitWaitMs ?? 5_000,
      };
    }
    this.env = {
      provider: this.provider,
      connection: this.connection,
      policy: this.policy,
      breaker: this.breaker,
      rateLimit: this.rateLimit,
      recorder: this.recorder,
      cache: this.cache,
      random: options.random ?? Math.random,
      observeLimits: this.observeLimits,
      recover: (ctx, call, deadline, failure, pending) => this.recover(ctx, call, deadline, failure, pending),
    };
  }

  /** The value, or a degraded one from the fallback; throws a classified IntegrationError otherwise. */
  execute<T>(ctx: CallContext, call: PipelineCall<T>): Promise<CallOutcome<T>> {
    return new CallRun(this.env, ctx, call, this.deadline(ctx), 'outcome').start() as Promise<CallOutcome<T>>;
  }

  /** `execute` for callers that do not care whether the answer was degraded. */
  run<T>(ctx: CallContext, call: PipelineCall<T>): Promise<T> {
    return new CallRun(this.env, ctx, call, this.deadline(ctx), 'value').start() as Promise<T>;
  }

  private deadline(ctx: CallContext): number {
    const own = Date.now() + this.policy.timeouts.totalMs;
    return ctx.deadline !== undefined && ctx.deadline < own ? ctx.deadline : own;
  }

  private async recover<T>(ctx: CallContext, call: PipelineCall<T>, deadline: number, failure: IntegrationError, pending: CallAttemptRecord | undefined): Promise<CallOutcome<T>> {
    const outcome = await serveFallback<T>(failure, {
      policy: this.policy.fallback,
      cache: this.cache,
      cacheKey: ctx.cacheKey,
      alternative: this.options.alternative
        ? (connection) => this.options.alternative!(connection).runAlternative({ ...ctx, connection }, call, deadline)
        : undefined,
    });
    if (pending) this.recorder.emit(outcome ? { ...pending, degraded: true } : pending);
    if (outcome) return outcome;
    throw failure;
  }

  /** breaker( retry( … )) on this connection for another's fallback: no fallback of its own, records emitted at once. */
  private runAlternative<T>(ctx: CallContext, call: PipelineCall<T>, deadline: number): Promise<T> {
    return new CallRun(this.env, ctx, call, deadline, 'alternative').start() as Promise<T>;
  }

  private readonly observeLimits = (observation: ProviderLimitObservation): void => {
    const step = this.rateLimit;
    if (!step) return;
    step.limiter.observe(step.key, observation).catch((error: unknown) => {
      this.logger.warn(`rate limiter observe failed for ${this.provider}/${this.connection}: ${(error as Error).message}`);
    });
  };
}
