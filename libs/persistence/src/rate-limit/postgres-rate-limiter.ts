import type { Acquisition, ProviderLimitObservation, RateLimiter, RateLimitKey, RateLimitRule } from '@junction/resilience';
import type { PrismaService } from '../prisma/prisma.service';
import { RateLimitBucketRepository, type QuotaWindow, type RateLimitBucketKey, type TakeResult } from './rate-limit-bucket.repository';

export interface PostgresRateLimiterOptions {
  /** Epoch ms; tests inject one. Default: the database's clock, so every replica reads the same time. */
  clock?: () => number;
}

const WINDOW_MS = { minute: 60_000, hour: 3_600_000, day: 86_400_000 } as const;
/** A permit taken from a chunk is used only this long before its window ends, so clock skew cannot carry it over. */
const WINDOW_END_MARGIN_MS = 1_000;

/**
 * How many permits of a quota one statement takes: a thousandth of the limit, at most 100; 1 below 2,000 per window
 * (LinkedIn's 100/day, ERPNext's default 1,000/hour: unchanged). Every acquisition on one key updates the same row,
 * and under concurrency Postgres serialises them on its lock: with a 100,000/hour quota one statement per command
 * cost more than the rest of the command's database work (bench:e2e). A replica keeps the rest of a chunk until its
 * window ends, so at most chunk − 1 permits per replica and window go unused: stricter, never looser.
 */
export function quotaChunk(limit: number): number {
  return Math.max(1, Math.min(100, Math.floor(limit / 1_000)));
}

/** The rest of a chunk this replica took, valid in its window. */
interface HeldPermits {
  left: number;
  windowStartMs: number;
  usableUntilMs: number;
}

type Taken = { readonly local: HeldPermits } | { readonly key: RateLimitBucketKey; readonly result: TakeResult };

/**
 * Rate limits shared by every replica: one `rate_limit_bucket` row per provider + connection + rule, each
 * acquisition one atomic upsert (see RateLimitBucketRepository for the SQL), except that a large quota is taken in
 * chunks (quotaChunk).
 *
 * Several rules are taken one statement each, in the order given; when one denies, the permits already taken
 * from the earlier ones are given back, so a call takes all of them or none. Between the take and the give-back
 * another caller may see those permits missing and be denied: it can be stricter than necessary for a moment,
 * never looser. (One transaction over all rules would avoid that, at the price of holding row locks across
 * round trips and a deadlock risk between rule orders.)
 */
export class PostgresRateLimiter implements RateLimiter {
  private readonly buckets: RateLimitBucketRepository;
  private readonly clock: (() => number) | undefined;
  /** The rules last used per key, so `observe` can find "the first rule" and create its row if missing. */
  private readonly knownRules = new Map<string, readonly RateLimitRule[]>();
  /** Per provider + connection + rule: the rest of a quota chunk (quotaChunk > 1 only). */
  private readonly held = new Map<string, HeldPermits>();

  constructor(prisma: PrismaService, options: PostgresRateLimiterOptions = {}) {
    this.buckets = new RateLimitBucketRepository(prisma);
    this.clock = options.clock;
  }

  async tryAcquire(key: RateLimitKey, rules: readonly RateLimitRule[]): Promise<Acquisition> {
    if (rules.length === 0) return { granted: true };
    rules.forEach(assertValidRule);
    this.knownRules.set(mapKey(key), rules);
    const at = this.now();
    const taken: Taken[] = [];
    for (const rule of rules) {
      const bucketKey = { provider: key.provider, connection: key.connection, rule: rule.name };
      const held = rule.kind === 'quota' ? this.fromChunk(bucketKey) : undefined;
      if (held) {
        taken.push({ local: held });
        continue;
      }
      const result =
        rule.kind === 'token-bucket'
          ? await this.buckets.takeToken(bucketKey, rule.capacity, rule.refillPerSecond, at)
          : await this.takeQuota(bucketKey, rule.limit, rule.window, at);
      if (!result.granted) {
        await this.giveBackAll(taken);
        return { granted: false, rule: rule.name, retryAt: result.retryAtMs ?? Date.now() };
      }
      taken.push({ key: bucketKey, result });
    }
    return { granted: true };
  }

  /** One permit from this replica's chunk of the rule, if it holds one still in its window. */
  private fromChunk(key: RateLimitBucketKey): HeldPermits | undefined {
    const held = this.held.get(mapKey(key, key.rule));
    if (!held || held.left < 1 || (this.clock?.() ?? Date.now()) >= held.usableUntilMs) return undefined;
    held.left--;
    return held;
  }

  /** A chunk when the quota is large enough (the rest held here), else one permit; one permit near the limit. */
  private async takeQuota(key: RateLimitBucketKey, limit: number, window: QuotaWindow, at: number | null): Promise<TakeResult> {
    const chunk = quotaChunk(limit);
    if (chunk > 1) {
      const result = await this.buckets.takeQuota(key, limit, window, at, chunk);
      if (result.granted && result.windowStartMs !== null) {
        this.held.set(mapKey(key, key.rule), { left: chunk - 1, windowStartMs: result.windowStartMs, usableUntilMs: result.windowStartMs + WINDOW_MS[window] - WINDOW_END_MARGIN_MS });
        return result;
      }
    }
    return this.buckets.takeQuota(key, limit, window, at);
  }

  async observe(key: RateLimitKey, observation: ProviderLimitObservation): Promise<void> {
    const remaining = Math.min(2 ** 31 - 1, Math.max(0, Math.floor(observation.remaining)));
    if (!Number.isFinite(remaining)) return;
    const known = this.knownRules.get(mapKey(key));
    const ruleName = observation.rule ?? known?.[0]?.name ?? null;
    const rule = known?.find((candidate) => candidate.name === ruleName);
    const at = this.now();
    if (rule) {
      const { name, ...shape } = rule;
      await this.buckets.ensure({ provider: key.provider, connection: key.connection, rule: name }, shape, at);
    }
    const resetAt = observation.resetAt ?? null;
    // The provider's word wins over permits held here.
    for (const candidate of known ?? []) if (ruleName === null || candidate.name === ruleName) this.held.delete(mapKey(key, candidate.name));
    await this.buckets.tighten({ provider: key.provider, connection: key.connection, rule: ruleName }, remaining, resetAt, at);
  }

  private now(): number | null {
    return this.clock ? this.clock() : null;
  }

  private async giveBackAll(taken: readonly Taken[]): Promise<void> {
    for (const t of taken.slice().reverse()) {
      if ('local' in t) t.local.left++;
      else await this.buckets.giveBack(t.key, t.result);
    }
  }
}

function mapKey(key: RateLimitKey, rule?: string): string {
  return JSON.stringify(rule === undefined ? [key.provider, key.connection] : [key.provider, key.connection, rule]);
}

function assertValidRule(rule: RateLimitRule): void {
  const fine =
    rule.kind === 'token-bucket'
      ? Number.isFinite(rule.capacity) && rule.capacity >= 1 && Number.isFinite(rule.refillPerSecond) && rule.refillPerSecond > 0
      : Number.isInteger(rule.limit) && rule.limit >= 1;
  if (!fine) throw new RangeError(`rate limit rule '${rule.name}' can never grant a permit: ${JSON.stringify(rule)}`);
}
