/**
 * Fault injection shared by every provider sandbox. A test sets what should go wrong; the server asks
 * `take()` once per request, before auth or routing, as a proxy, load balancer or edge limiter would fail.
 */
export interface FailNext {
  count: number;
  status: number;
  /** Sent verbatim as the Retry-After header (seconds, float seconds "2.0", or an HTTP date). */
  retryAfter?: string | number;
}

export interface FaultConfig {
  /** Added before every response (and before a failure). */
  latencyMs?: number;
  /** Fraction (0..1) of requests answered with `errorStatus` (default 503). */
  errorRatio?: number;
  errorStatus?: number;
  /** The next `count` requests fail with `status` (e.g. a 429 storm with Retry-After). */
  failNext?: FailNext;
  /** Accept requests and never answer (until cleared or the sandbox stops). */
  hang?: boolean;
  /** Fraction (0..1) of requests whose connection is destroyed without any response (ECONNRESET). */
  resetRatio?: number;
  /** Only requests whose path starts with one of these are affected (default: all). */
  paths?: string[];
}

export type FaultDecision =
  | { kind: 'none'; latencyMs: number }
  | { kind: 'hang' }
  | { kind: 'reset'; latencyMs: number }
  | { kind: 'fail'; latencyMs: number; status: number; retryAfter?: string };

export class SandboxFaults {
  private config: FaultConfig = {};
  private failRemaining = 0;

  /** `random` is injectable so ratio-based tests are deterministic. */
  constructor(private readonly random: () => number = Math.random) {}

  set(config: FaultConfig): void {
    this.config = { ...this.config, ...config };
    if (config.failNext) this.failRemaining = config.failNext.count;
  }

  clear(): void {
    this.config = {};
    this.failRemaining = 0;
  }

  /** Consumes one request's worth of faults. */
  take(path = '/'): FaultDecision {
    const c = this.config;
    const latencyMs = c.latencyMs ?? 0;
    if (c.paths && !c.paths.some((p) => path.startsWith(p))) return { kind: 'none', latencyMs: 0 };
    if (c.hang) return { kind: 'hang' };
    if (c.failNext && this.failRemaining > 0) {
      this.failRemaining -= 1;
      const retryAfter = c.failNext.retryAfter === undefined ? undefined : String(c.failNext.retryAfter);
      return { kind: 'fail', latencyMs, status: c.failNext.status, retryAfter };
    }
    if (c.resetRatio && this.random() < c.resetRatio) return { kind: 'reset', latencyMs };
    if (c.errorRatio && this.random() < c.errorRatio) return { kind: 'fail', latencyMs, status: c.errorStatus ?? 503 };
    return { kind: 'none', latencyMs };
  }
}
