/**
 * One circuit breaker per provider + connection, on opossum 9 (the last major that supports Node 20).
 *
 * What counts against the provider: `server`, `timeout` and `network` — the failures that say it is unwell.
 * Deliberately not counted: client-side classes (validation, conflict, auth, not_found, …: the provider
 * answered correctly, we sent something wrong) and `rate_limit` (back-pressure: Retry-After and the rate
 * limiter already say exactly when to come back, an open circuit would replace that with a guess), and a
 * caller's own cancellation. opossum treats a filtered error as a success, which is right for the first
 * group (the provider is answering).
 *
 * Fail-fast: while the circuit is open we reject before entering opossum. opossum's own rejection builds an
 * Error (stack capture) and emits two events per call; our check is a property read.
 *
 * Closed: the pipeline runs the call outside opossum and reports its outcome with `count`, which emits the
 * events opossum's fire() would (they are what feed its rolling stats) and applies its opening rule. fire()
 * adds a promise, a semaphore, a Date.now pair and two events to every call for nothing the closed state
 * needs. Half-open, calls go through fire() (`execute`): that is what lets exactly one probe through.
 */
import { Logger } from '@nestjs/common';
import CircuitBreaker from 'opossum';
import { IntegrationError, type ErrorClass } from '../errors/integration-error';
import { isCallerCancellation } from '../timeout/attempt-timeout';
import type { BreakerPolicy } from '../pipeline/resilience.types';
import type { BreakerState, CallObserver } from '../telemetry/call-observer';

export const BREAKER_COUNTED_CLASSES: ReadonlySet<ErrorClass> = new Set<ErrorClass>(['server', 'timeout', 'network']);

export function countsAgainstProvider(error: unknown): boolean {
  return error instanceof IntegrationError && BREAKER_COUNTED_CLASSES.has(error.errorClass) && !isCallerCancellation(error);
}

type Thunk = () => Promise<unknown>;

export class ProviderBreaker {
  private readonly logger = new Logger(ProviderBreaker.name);
  private readonly circuit?: CircuitBreaker<[Thunk], unknown>;
  private current: BreakerState = 'closed';
  private openedAt = 0;

  constructor(
    readonly provider: string,
    readonly connection: string,
    private readonly policy: BreakerPolicy,
    private readonly observer: CallObserver,
  ) {
    if (!policy.enabled) return;
    const circuit = new CircuitBreaker<[Thunk], unknown>((run: Thunk) => run(), {
      name: `${provider}/${connection}`,
      // Timeouts are the pipeline's (per attempt, with a deadline); opossum's would add a timer per call.
      timeout: false,
      errorThresholdPercentage: policy.errorThresholdPercentage,
      volumeThreshold: policy.volumeThreshold,
      rollingCountTimeout: policy.rollingWindowMs,
      rollingCountBuckets: 10,
      resetTimeout: policy.resetTimeoutMs,
      // Latency percentiles sort arrays on every failure; snapshots emit on a timer. We need neither.
      rollingPercentilesEnabled: false,
      enableSnapshots: false,
      errorFilter: (error: unknown) => !countsAgainstProvider(error),
    });
    circuit.on('open', () => this.transition('open'));
    circuit.on('halfOpen', () => this.transition('half-open'));
    circuit.on('close', () => this.transition('closed'));
    this.circuit = circuit;
  }

  get state(): BreakerState {
    return this.current;
  }

  /** Closed (or no breaker): the call may run outside opossum, its outcome then reported with `count`. */
  get passing(): boolean {
    const c = this.circuit;
    return c === undefined || c.closed;
  }

  get enabled(): boolean {
    return this.circuit !== undefined;
  }

  /**
   * Counts the outcome of a call that ran while `passing`, as fire() would have: the same events, and the
   * opening rule of opossum 9's fail(). Failures that do not count against the provider are successes to
   * opossum (its errorFilter), which is also what closes a circuit that half-opened meanwhile.
   */
  count(failed: boolean, error?: unknown): void {
    const c = this.circuit;
    if (c === undefined) return;
    c.emit('fire');
    if (!failed || !countsAgainstProvider(error)) {
      c.emit('success');
      return;
    }
    c.emit('failure', error);
    if (c.warmUp) return;
    const { fires, failures } = c.stats;
    if (fires < c.volumeThreshold && !c.halfOpen) return;
    if ((failures / fires) * 100 > this.policy.errorThresholdPercentage || c.halfOpen) c.open();
  }

  /** True while calls are being rejected (open, or half-open with its one probe in flight). */
  get rejecting(): boolean {
    const c = this.circuit;
    return c !== undefined && (c.opened || (c.halfOpen && !c.pendingClose));
  }

  /**
   * Runs `run` through opossum's fire() (the pipeline uses it when not `passing`). `probe` is true for the single call let through while half-open: the
   * pipeline gives it one attempt, so the verdict on the provider is one request, not a retry storm.
   */
  execute<T>(operation: string, run: (probe: boolean) => Promise<T>): Promise<T> {
    const circuit = this.circuit;
    if (circuit === undefined) return run(false);
    if (circuit.opened) return Promise.reject(this.openError(operation));
    const probe = circuit.halfOpen;
    return circuit.fire(() => run(probe)) as Promise<T>;
  }

  /**
   * opossum's own rejection (half-open with its probe already out) as circuit_open; other errors unchanged.
   * Applied by the caller's existing catch, so the success path pays for no extra promise.
   */
  translate(error: unknown, operation: string): unknown {
    return error instanceof Error && CircuitBreaker.isOurError(error) ? this.openError(operation) : error;
  }

  /** Stops opossum's bucket timer (tests, shutdown). */
  shutdown(): void {
    this.circuit?.shutdown();
  }

  private openError(operation: string): IntegrationError {
    const retryAfterMs = this.current === 'open' ? Math.max(0, this.openedAt + this.policy.resetTimeoutMs - Date.now()) : undefined;
    return new IntegrationError('circuit_open', `${this.provider}/${this.connection} circuit is ${this.current}: failing fast`, {
      provider: this.provider,
      operation,
      retryAfterMs,
    });
  }

  private transition(to: BreakerState): void {
    const from = this.current;
    if (from === to) return;
    this.current = to;
    if (to === 'open') this.openedAt = Date.now();
    const line = `circuit ${this.provider}/${this.connection}: ${from} → ${to}`;
    if (to === 'open') this.logger.warn(line);
    else this.logger.log(line);
    try {
      this.observer.onBreakerStateChange({ provider: this.provider, connection: this.connection, from, to, at: new Date() });
    } catch (error) {
      this.logger.error(`call observer failed on a breaker state change: ${(error as Error).message}`);
    }
  }
}
