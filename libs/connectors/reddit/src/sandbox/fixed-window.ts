/**
 * Reddit's documented per-client limit (100 queries per minute, reported in X-Ratelimit-*), modelled as a
 * fixed window aligned to the clock. Reddit averages over 10 minutes; a fixed window with the same headers
 * is what clients can observe and what tests can reason about, so the window length is configurable.
 */
export interface WindowState {
  used: number;
  remaining: number;
  /** Whole seconds until the window resets (never 0 while it is open). */
  resetSeconds: number;
}

export class FixedWindowCounter {
  private readonly windows = new Map<string, { start: number; used: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly nowMs: () => number,
  ) {}

  /** Counts one request for `key` if the window has room; the state is reported either way. */
  take(key: string): { allowed: boolean; state: WindowState } {
    const window = this.current(key);
    const allowed = window.used < this.limit;
    if (allowed) window.used += 1;
    return { allowed, state: this.state(key) };
  }

  state(key: string): WindowState {
    const window = this.current(key);
    const resetSeconds = Math.max(1, Math.ceil((window.start + this.windowMs - this.nowMs()) / 1000));
    return { used: window.used, remaining: Math.max(0, this.limit - window.used), resetSeconds };
  }

  clear(): void {
    this.windows.clear();
  }

  private current(key: string): { start: number; used: number } {
    const now = this.nowMs();
    const start = Math.floor(now / this.windowMs) * this.windowMs;
    let window = this.windows.get(key);
    if (!window || window.start !== start) {
      window = { start, used: 0 };
      this.windows.set(key, window);
    }
    return window;
  }
}

/** `X-Ratelimit-*` as Reddit sends them: used an integer, remaining a float ("99.0"), reset in seconds. */
export function rateLimitHeaders(state: WindowState): Record<string, string> {
  return {
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-remaining': state.remaining.toFixed(1),
    'x-ratelimit-reset': String(state.resetSeconds),
  };
}
