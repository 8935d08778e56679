/**
 * One attempt under a timeout: the attempt settles at min(per-attempt timeout, total deadline) or when the
 * caller aborts, and is abandoned at that moment even if the provider call ignores its signal — a hung
 * socket must never hold a message past its deadline.
 *
 * What this costs per attempt matters (it wraps every provider call), so: the timeout is an entry in the
 * shared ExpiryQueue rather than a timer of its own; the AbortController is created only when the call reads
 * `signal` (on Node 20 creating an AbortSignal costs 3–7 µs, AbortSignal.timeout more, a tenth of a local
 * HTTP round trip or worse); the caller's signal is listened to only when there is one. Same semantics as
 * AbortSignal.any(AbortSignal.timeout(), callerSignal), without Node 20's AbortSignal.any retention issues.
 */
import { IntegrationError } from '../errors/integration-error';
import { attemptExpiries, type Expiring } from './expiry-queue';

export interface AttemptScope {
  readonly provider: string;
  readonly operation: string;
  /** Epoch ms. */
  readonly deadline: number;
  readonly attemptMs: number;
  readonly callerSignal?: AbortSignal;
}

/** Errors raised because the caller cancelled (shutdown): retryable for the message, never a provider failure. */
const cancellations = new WeakSet<object>();
export const isCallerCancellation = (error: unknown): boolean => typeof error === 'object' && error !== null && cancellations.has(error);

export function cancelledError(provider: string, operation: string, reason: unknown): IntegrationError {
  const error = new IntegrationError('timeout', `${provider} ${operation} cancelled by the caller`, { provider, operation, cause: reason });
  cancellations.add(error);
  return error;
}

export function deadlineError(provider: string, operation: string, ms: number, cause?: unknown): IntegrationError {
  return new IntegrationError('timeout', `${provider} ${operation}: no response within ${ms} ms`, { provider, operation, cause });
}

/** The attempt's signal, created on first read. */
export interface LazySignal {
  readonly signal: AbortSignal;
}

/** Why an attempt cannot start (the caller already aborted, no time left), or its limit in ms. */
export function attemptLimit(provider: string, operation: string, deadline: number, attemptMs: number, callerSignal: AbortSignal | undefined): IntegrationError | number {
  if (callerSignal?.aborted) return cancelledError(provider, operation, callerSignal.reason);
  const remainingMs = deadline - Date.now();
  if (remainingMs <= 0) return deadlineError(provider, operation, 0);
  return Math.min(attemptMs, remainingMs);
}

/**
 * Base of an attempt: `settle` is called exactly once, with the call's outcome, a `timeout` error at the
 * limit, or a cancellation when the caller aborts.
 */
export abstract class TimedAttempt implements Expiring, LazySignal {
  expiresAt = 0;
  prevExpiring: Expiring | undefined = undefined;
  nextExpiring: Expiring | undefined = undefined;
  private controller: AbortController | undefined = undefined;
  private abortReason: unknown = undefined;
  private aborted = false;
  private active = false;
  private onCallerAbort: (() => void) | undefined = undefined;

  constructor(
    readonly provider: string,
    readonly operation: string,
    /** The attempt's limit: min(attempt timeout, time left before the deadline). */
    readonly limitMs: number,
    protected readonly callerSignal: AbortSignal | undefined,
  ) {}

  /** Fires at the limit or on the caller's abort; created on first read, born aborted if that was later. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.abortReason);
    }
    return this.controller.signal;
  }

  /** Runs `call` (given this attempt) under the limit, counted from `now` (performance.now()). */
  protected begin(call: (attempt: this) => Promise<unknown>, now: number): void {
    this.active = true;
    attemptExpiries.add(this, now, this.limitMs);
    const callerSignal = this.callerSignal;
    if (callerSignal !== undefined) {
      this.onCallerAbort = () => {
        if (!this.active) return;
        this.active = false;
        attemptExpiries.remove(this);
        this.abort(callerSignal.reason);
        this.settle(true, cancelledError(this.provider, this.operation, callerSignal.reason));
      };
      callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
    }
    let pending: Promise<unknown>;
    try {
      // Promise.resolve: a call that returns a plain value or a foreign thenable still settles the attempt
      // (a native promise passes through as it is, without another hop).
      pending = Promise.resolve(call(this));
    } catch (error) {
      pending = Promise.reject(error as Error);
    }
    pending.then(
      (value) => this.finish(false, value),
      (error: unknown) => this.finish(true, error),
    );
  }

  /** The limit passed (called by the queue): abort the signal if the call took it, then settle as timeout. */
  expire(): void {
    if (!this.active) return;
    this.active = false;
    this.stopListening();
    const error = deadlineError(this.provider, this.operation, this.limitMs);
    this.abort(new DOMException(error.message, 'TimeoutError'));
    this.settle(true, error);
  }

  protected abstract settle(failed: boolean, result: unknown): void;

  private finish(failed: boolean, result: unknown): void {
    if (!this.active) return;
    this.active = false;
    attemptExpiries.remove(this);
    this.stopListening();
    this.settle(failed, result);
  }

  private stopListening(): void {
    if (this.onCallerAbort !== undefined) this.callerSignal!.removeEventListener('abort', this.onCallerAbort);
  }

  private abort(reason: unknown): void {
    this.aborted = true;
    this.abortReason = reason;
    this.controller?.abort(reason);
  }
}

class PromisedAttempt<T> extends TimedAttempt {
  resolve: (value: T) => void = () => undefined;
  reject: (error: unknown) => void = () => undefined;

  run(call: (signal: LazySignal, limitMs: number) => Promise<T>): void {
    this.begin((attempt) => call(attempt, attempt.limitMs), performance.now());
  }

  protected settle(failed: boolean, result: unknown): void {
    if (failed) this.reject(result);
    else this.resolve(result as T);
  }
}

/** One attempt on its own (outside a pipeline): resolves with the call's value or rejects as described above. */
export function runWithTimeout<T>(scope: AttemptScope, run: (signal: LazySignal, remainingMs: number) => Promise<T>): Promise<T> {
  const limit = attemptLimit(scope.provider, scope.operation, scope.deadline, scope.attemptMs, scope.callerSignal);
  if (typeof limit !== 'number') return Promise.reject(limit);
  const attempt = new PromisedAttempt<T>(scope.provider, scope.operation, limit, scope.callerSignal);
  return new Promise<T>((resolve, reject) => {
    attempt.resolve = resolve;
    attempt.reject = reject;
    attempt.run(run);
  });
}
