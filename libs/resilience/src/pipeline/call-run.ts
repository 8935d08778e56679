/**
 * One call through breaker( retry( rateLimit → timeout( call ))), then the fallback.
 *
 * Written as callbacks on one object per call rather than an async function and a promise per layer,
 * because it wraps every provider call: a call that succeeds on its first attempt costs one promise (the
 * result's) and one hop beyond the provider call's own. With the breaker closed the call does not go through
 * opossum's fire() (a promise, two events, a semaphore and Date.now pair per call); its outcome is counted
 * into opossum's stats afterwards (ProviderBreaker.count). The half-open probe still goes through fire(),
 * which is what lets exactly one call through.
 */
import { IntegrationError } from '../errors/integration-error';
import type { ProviderBreaker } from '../breaker/provider-breaker';
import type { LastGoodCache } from '../fallback/last-good.cache';
import { acquirePermit, type RateLimitStep } from '../rate-limit/rate-limit.step';
import type { ProviderLimitObservation } from '../rate-limit/rate-limiter.port';
import { backoffDelay } from '../retry/backoff';
import { attemptLimit, cancelledError, isCallerCancellation, TimedAttempt } from '../timeout/attempt-timeout';
import { sleep } from '../timeout/sleep';
import type { AttemptRecorder } from '../telemetry/attempt-recorder';
import type { CallAttemptRecord } from '../telemetry/call-observer';
import type { AttemptRequestOptions, PipelineAttempt, PipelineCall } from './pipeline-attempt';
import type { CallContext, CallOutcome, ResiliencePolicy } from './resilience.types';

/** What a pipeline shares with each of its calls. */
export interface CallEnv {
  readonly provider: string;
  readonly connection: string;
  readonly policy: ResiliencePolicy;
  readonly breaker: ProviderBreaker;
  readonly rateLimit: RateLimitStep | undefined;
  readonly recorder: AttemptRecorder;
  readonly cache: LastGoodCache;
  readonly random: () => number;
  readonly observeLimits: (observation: ProviderLimitObservation) => void;
  /** The fallback; emits the final failed attempt's record (`pending`) once it has decided. */
  recover<T>(ctx: CallContext, call: PipelineCall<T>, deadline: number, failure: IntegrationError, pending: CallAttemptRecord | undefined): Promise<CallOutcome<T>>;
}

/** `run` resolves with the value, `execute` with the outcome; the alternative connection's run has no fallback. */
export type CallMode = 'value' | 'outcome' | 'alternative';

/** Failures after which the provider may have done the work: a non-idempotent call must not be repeated. */
const MAY_HAVE_TAKEN_EFFECT = new Set(['timeout', 'server', 'network']);

const valueOf = <T>(outcome: CallOutcome<T>): T => outcome.value;

export class CallRun<T> {
  private resolve: (result: unknown) => void = noop;
  private reject: (error: unknown) => void = noop;
  /** The final failed attempt's record, emitted once the fallback has decided. */
  private pending: CallAttemptRecord | undefined = undefined;
  private maxAttempts: number;
  /** Ran while the breaker was closed: its outcome is counted into the breaker's stats at the end. */
  private counted = false;
  /** Set while running as the half-open probe: the attempts' outcome settles opossum's fire() instead. */
  private probe: { resolve: (value: T) => void; reject: (error: unknown) => void } | undefined = undefined;
  private readonly startedAt = performance.now();

  constructor(
    readonly env: CallEnv,
    readonly ctx: CallContext,
    private readonly call: PipelineCall<T>,
    private readonly deadline: number,
    private readonly mode: CallMode,
  ) {
    this.maxAttempts = env.policy.retry.maxAttempts;
  }

  start(): Promise<unknown> {
    const result = new Promise<unknown>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    const breaker = this.env.breaker;
    if (breaker.passing) {
      this.counted = breaker.enabled;
      this.next(1);
      return result;
    }
    const operation = this.ctx.operation;
    breaker
      .execute(
        operation,
        (probe) =>
          new Promise<T>((resolve, reject) => {
            this.probe = { resolve, reject };
            // The half-open probe gets one attempt: its verdict on the provider is one request, not a retry storm.
            if (probe) this.maxAttempts = 1;
            this.next(1);
          }),
      )
      .then(
        (value) => this.succeed(value),
        (error: unknown) => this.fail(breaker.translate(error, operation)),
      );
    return result;
  }

  /** Called by the attempt when it settles (value, failure, timeout or cancellation). */
  attemptSettled(attempt: AttemptRun, failed: boolean, result: unknown): void {
    if (failed) return this.attemptFailed(attempt.number, result, attempt.startedAt);
    const recorder = this.env.recorder;
    if (recorder.active) recorder.emit(recorder.record(this.ctx, attempt.number, undefined, performance.now() - attempt.startedAt));
    this.attemptsDone(result as T);
  }

  private next(number: number): void {
    const step = this.env.rateLimit;
    if (step === undefined) return this.attempt(number, number === 1 ? this.startedAt : performance.now());
    const waitStarted = performance.now();
    acquirePermit(step, this.ctx.operation, this.deadline, this.ctx.signal).then(
      () => this.attempt(number, performance.now()),
      (error: unknown) => {
        const recorder = this.env.recorder;
        if (recorder.active) this.pending = recorder.record(this.ctx, number, recorder.classify(error, this.ctx.operation), performance.now() - waitStarted);
        this.attemptsFailed(error);
      },
    );
  }

  private attempt(number: number, started: number): void {
    const { env, ctx } = this;
    const limit = attemptLimit(env.provider, ctx.operation, this.deadline, env.policy.timeouts.attemptMs, ctx.signal);
    if (typeof limit !== 'number') return this.attemptFailed(number, limit, started);
    new AttemptRun(this, number, limit, started).run(this.call);
  }

  private attemptFailed(number: number, raw: unknown, started: number): void {
    const { env, ctx } = this;
    const recorder = env.recorder;
    if (!(raw instanceof IntegrationError)) {
      // A bug on our side of the wire, not a provider answer: not retried here, passed on unchanged.
      if (recorder.active) this.pending = recorder.record(ctx, number, recorder.classify(raw, ctx.operation), performance.now() - started);
      return this.attemptsFailed(raw);
    }
    const error = raw;
    const record = recorder.active ? recorder.record(ctx, number, error, performance.now() - started) : undefined;
    if (error.errorClass === 'rate_limit' && error.retryAfterMs !== undefined) {
      env.observeLimits({ remaining: 0, resetAt: Date.now() + error.retryAfterMs });
    }
    const delay =
      error.retryable &&
      number < this.maxAttempts &&
      (ctx.idempotent !== false || !MAY_HAVE_TAKEN_EFFECT.has(error.errorClass)) &&
      !isCallerCancellation(error) &&
      !env.breaker.rejecting
        ? backoffDelay(number, env.policy.retry, this.deadline - Date.now(), error.retryAfterMs, env.random)
        : undefined;
    if (delay === undefined) {
      this.pending = record;
      return this.attemptsFailed(error);
    }
    if (record) recorder.emit(record);
    sleep(delay, ctx.signal).then(
      () => this.next(number + 1),
      (reason: unknown) => this.attemptsFailed(cancelledError(env.provider, ctx.operation, reason)),
    );
  }

  private attemptsDone(value: T): void {
    if (this.probe) return this.probe.resolve(value);
    if (this.counted) this.env.breaker.count(false);
    this.succeed(value);
  }

  private attemptsFailed(error: unknown): void {
    if (this.probe) return this.probe.reject(error);
    if (this.counted) this.env.breaker.count(true, error);
    this.fail(error);
  }

  private succeed(value: T): void {
    const { env, ctx } = this;
    if (this.mode === 'alternative') return this.resolve(value);
    if (ctx.cacheKey !== undefined && env.policy.fallback?.cacheTtlMs !== undefined) env.cache.set(ctx.cacheKey, value);
    this.resolve(this.mode === 'outcome' ? { value, degraded: false } : value);
  }

  private fail(error: unknown): void {
    const { env, ctx } = this;
    const recorder = env.recorder;
    if (!(error instanceof IntegrationError)) {
      // Not a provider failure (our own database under the rate limiter, a bug): recorded, then passed on
      // as it is, so the caller's own policy (message redelivery) decides. Never disguised as a provider's
      // permanent rejection, never served a fallback.
      if (recorder.active) recorder.emit(this.pending ?? recorder.record(ctx, 1, recorder.classify(error, ctx.operation), performance.now() - this.startedAt));
      return this.reject(error);
    }
    if (error.errorClass === 'circuit_open' && this.pending === undefined && recorder.active) {
      this.pending = recorder.record(ctx, 1, error, performance.now() - this.startedAt);
    }
    if (this.mode === 'alternative') {
      if (this.pending) recorder.emit(this.pending);
      return this.reject(error);
    }
    const outcome = env.recover(ctx, this.call, this.deadline, error, this.pending);
    this.resolve(this.mode === 'outcome' ? outcome : outcome.then(valueOf));
  }
}

interface AttemptOwner {
  readonly env: CallEnv;
  readonly ctx: CallContext;
  attemptSettled(attempt: AttemptRun, failed: boolean, result: unknown): void;
}

/** One attempt, and what the call is handed: its limit, signal (lazy), undici options and where it goes. */
class AttemptRun extends TimedAttempt implements PipelineAttempt {
  readonly observeLimits: (observation: ProviderLimitObservation) => void;

  constructor(
    private readonly owner: AttemptOwner,
    readonly number: number,
    limitMs: number,
    readonly startedAt: number,
  ) {
    super(owner.env.provider, owner.ctx.operation, limitMs, owner.ctx.signal);
    this.observeLimits = owner.env.observeLimits;
  }

  get remainingMs(): number {
    return this.limitMs;
  }

  get connection(): string {
    return this.owner.env.connection;
  }

  get requestOptions(): AttemptRequestOptions {
    return { headersTimeout: this.limitMs, bodyTimeout: this.limitMs, signal: this.callerSignal };
  }

  run(call: PipelineCall<unknown>): void {
    this.begin(call, this.startedAt);
  }

  protected settle(failed: boolean, result: unknown): void {
    this.owner.attemptSettled(this, failed, result);
  }
}

function noop(): void {}
