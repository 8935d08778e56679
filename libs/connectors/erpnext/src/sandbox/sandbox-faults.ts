/**
 * Fault injection for the sandbox. Deliberately small: a later issue adds ratios, resets and per-route
 * rules, so everything goes through `set`/`clear`/`take` and the server only asks `take()` per request.
 */
export interface FailNext {
  count: number;
  status: number;
  /** Sent verbatim as the Retry-After header (seconds or an HTTP date). */
  retryAfter?: string | number;
}

export interface FaultConfig {
  /** Added before every response. */
  latencyMs?: number;
  /** The next `count` requests fail with `status` before auth or routing, as a proxy or limiter would. */
  failNext?: FailNext;
  /** Accept requests and never answer (until the fault is cleared or the sandbox stops). */
  hang?: boolean;
}

export type FaultDecision =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'hang' }
  | { kind: 'fail'; latencyMs: number; status: number; retryAfter?: string };

export class SandboxFaults {
  private config: FaultConfig = {};
  private failRemaining = 0;

  set(config: FaultConfig): void {
    this.config = { ...this.config, ...config };
    if (config.failNext) this.failRemaining = config.failNext.count;
  }

  clear(): void {
    this.config = {};
    this.failRemaining = 0;
  }

  /** Consumes one request's worth of faults. */
  take(): FaultDecision {
    if (this.config.hang) return { kind: 'hang' };
    const latencyMs = this.config.latencyMs ?? 0;
    const fail = this.config.failNext;
    if (fail && this.failRemaining > 0) {
      this.failRemaining -= 1;
      return {
        kind: 'fail',
        latencyMs,
        status: fail.status,
        retryAfter: fail.retryAfter === undefined ? undefined : String(fail.retryAfter),
      };
    }
    return { kind: 'none', latencyMs };
  }
}
