import { PROVIDER_POLICIES, sleep, type RateLimiter, type RateLimitRule } from '@junction/resilience';

/** The shared bucket a batch's commands for one provider connection are paced on (rate_limit_bucket, one row per key). */
export interface PaceTarget {
  readonly provider: string;
  /** The tenant's default connection of the provider (its id), or `default` (env credentials or the sandbox). */
  readonly connection: string;
  readonly ratePerSecond: number;
}

export type PacePermit = { readonly granted: true } | { readonly granted: false; readonly waitMs: number };

/** The bucket's rule name. Stored: renaming it starts every paced key afresh. */
export const PACE_RULE = 'batch-pace';
const WINDOW_SECONDS = { minute: 60, hour: 3_600, day: 86_400 } as const;
/** For a provider without a rate limit in its policy (the command is then bounded by the worker, not the provider). */
export const UNLIMITED_PROVIDER_RATE = 50;

/**
 * The rate a batch publishes a provider's commands at when the run does not name one: the provider's own limit from its
 * resilience policy (the slowest rule: ERPNext 1,000/hour ≈ 0.28/s, the CRM's burst 10/s, Reddit 100/min), so a
 * 10,000-row import does not put 10,000 commands in the worker's queue at once only to have them deferred one by one.
 */
export function providerPaceRate(provider: string): number {
  const rules = PROVIDER_POLICIES[provider]?.rateLimits ?? [];
  const rates = rules.map((rule) => (rule.kind === 'token-bucket' ? rule.refillPerSecond : rule.limit / WINDOW_SECONDS[rule.window]));
  return rates.length === 0 ? UNLIMITED_PROVIDER_RATE : Math.min(...rates);
}

/**
 * Paces a run's commands on the distributed limiter every replica shares (PostgresRateLimiter): one permit per
 * command, taken before the command is written, from a token bucket of capacity 1 refilled at the target rate — evenly
 * spaced, no burst, and every run on every replica publishing to the same provider connection shares the one rate.
 *
 * Its own rule (`batch-pace`), not the worker's: the worker takes its permits for the calls the command makes when it
 * runs it, and taking the worker's permit here too would count every command twice.
 */
export class CommandPacer {
  private readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly now: () => number;

  /** `clock`: the limiter's clock (tests give both the same virtual clock, and a `sleep` that advances it). */
  constructor(
    private readonly limiter: RateLimiter,
    options: { sleep?: (ms: number, signal: AbortSignal) => Promise<void>; clock?: () => number } = {},
  ) {
    this.wait = options.sleep ?? sleep;
    this.now = options.clock ?? Date.now;
  }

  static rule(ratePerSecond: number): RateLimitRule {
    return { kind: 'token-bucket', name: PACE_RULE, capacity: 1, refillPerSecond: ratePerSecond };
  }

  /** One permit now, or how long until the next one (the caller commits what it holds before waiting). */
  async take(target: PaceTarget): Promise<PacePermit> {
    const acquisition = await this.limiter.tryAcquire({ provider: target.provider, connection: target.connection }, [CommandPacer.rule(target.ratePerSecond)]);
    if (acquisition.granted) return { granted: true };
    return { granted: false, waitMs: Math.max(1, acquisition.retryAt - this.now()) };
  }

  /** Waits for the next permit; rejects when the run is aborted (shutdown, cancel). */
  sleep(ms: number, signal: AbortSignal): Promise<void> {
    return this.wait(ms, signal);
  }
}
