/**
 * HubSpot's per-app burst limit: a rolling window (private apps: 100 requests per 10 s) plus a daily
 * allowance, both per token. Rolling, not fixed: a request leaves the window exactly `intervalMs` after it
 * was made, so Retry-After is the time until the oldest request in the window expires.
 */
export interface CrmRateLimitConfig {
  /** Requests per interval (X-HubSpot-RateLimit-Max). Default 100. */
  max: number;
  /** Window length in ms (X-HubSpot-RateLimit-Interval-Milliseconds). Default 10 000. */
  intervalMs: number;
  /** Requests per UTC day (X-HubSpot-RateLimit-Daily). Default 250 000. */
  daily: number;
}

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; headers: Record<string, string>; retryAfterSeconds: number };

interface TokenUsage {
  window: number[];
  day: string;
  dayCount: number;
}

export class CrmRateLimiter {
  private readonly usage = new Map<string, TokenUsage>();

  constructor(private readonly config: CrmRateLimitConfig) {}

  take(token: string, nowMs: number): RateDecision {
    const day = new Date(nowMs).toISOString().slice(0, 10);
    const u = this.usage.get(token) ?? { window: [], day, dayCount: 0 };
    this.usage.set(token, u);
    if (u.day !== day) Object.assign(u, { day, dayCount: 0 });
    while (u.window.length > 0 && u.window[0]! <= nowMs - this.config.intervalMs) u.window.shift();

    const overWindow = u.window.length >= this.config.max;
    const overDay = u.dayCount >= this.config.daily;
    if (overWindow || overDay) {
      const retryAfterMs = overDay ? Date.parse(`${day}T00:00:00Z`) + 86_400_000 - nowMs : u.window[0]! + this.config.intervalMs - nowMs;
      return { allowed: false, headers: this.headers(u), retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
    u.window.push(nowMs);
    u.dayCount += 1;
    return { allowed: true, headers: this.headers(u) };
  }

  clear(): void {
    this.usage.clear();
  }

  private headers(u: TokenUsage): Record<string, string> {
    return {
      'x-hubspot-ratelimit-daily': String(this.config.daily),
      'x-hubspot-ratelimit-daily-remaining': String(Math.max(0, this.config.daily - u.dayCount)),
      'x-hubspot-ratelimit-interval-milliseconds': String(this.config.intervalMs),
      'x-hubspot-ratelimit-max': String(this.config.max),
      'x-hubspot-ratelimit-remaining': String(Math.max(0, this.config.max - u.window.length)),
    };
  }
}
