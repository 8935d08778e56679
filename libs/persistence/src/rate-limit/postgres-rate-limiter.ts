import type { Acquisition, ProviderLimitObservation, RateLimiter, RateLimitKey, RateLimitRule } from '@junction/resilience';
import type { PrismaService } from '../prisma/prisma.service';
import { RateLimitBucketRepository, type RateLimitBucketKey, type TakeResult } from './rate-limit-bucket.repository';

export interface PostgresRateLimiterOptions {
  /** Epoch ms; tests inject one. Default: the database's clock, so every replica reads the same time. */
  clock?: () => number;
}

/**
 * Rate limits shared by every replica: one `rate_limit_bucket` row per provider + connection + rule, each
 * acquisition one atomic upsert (see RateLimitBucketRepository for the SQL).
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

  constructor(prisma: PrismaService, options: PostgresRateLimiterOptions = {}) {
    this.buckets = new RateLimitBucketRepository(prisma);
    this.clock = options.clock;
  }

  async tryAcquire(key: RateLimitKey, rules: readonly RateLimitRule[]): Promise<Acquisition> {
    if (rules.length === 0) return { granted: true };
    rules.forEach(assertValidRule);
    this.knownRules.set(mapKey(key), rules);
    const at = this.now();
    const taken: Array<{ key: RateLimitBucketKey; result: TakeResult }> = [];
    for (const rule of rules) {
      const bucketKey = { provider: key.provider, connection: key.connection, rule: rule.name };
      const result =
        rule.kind === 'token-bucket'
          ? await this.buckets.takeToken(bucketKey, rule.capacity, rule.refillPerSecond, at)
          : await this.buckets.takeQuota(bucketKey, rule.limit, rule.window, at);
      if (!result.granted) {
        await this.giveBackAll(taken);
        return { granted: false, rule: rule.name, retryAt: result.retryAtMs ?? Date.now() };
      }
      taken.push({ key: bucketKey, result });
    }
    return { granted: true };
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
    await this.buckets.tighten({ provider: key.provider, connection: key.connection, rule: ruleName }, remaining, resetAt, at);
  }

  private now(): number | null {
    return this.clock ? this.clock() : null;
  }

  private async giveBackAll(taken: ReadonlyArray<{ key: RateLimitBucketKey; result: TakeResult }>): Promise<void> {
    for (const { key, result } of taken.slice().reverse()) await this.buckets.giveBack(key, result);
  }
}

function mapKey(key: RateLimitKey): string {
  return JSON.stringify([key.provider, key.connection]);
}

function assertValidRule(rule: RateLimitRule): void {
  const fine =
    rule.kind === 'token-bucket'
      ? Number.isFinite(rule.capacity) && rule.capacity >= 1 && Number.isFinite(rule.refillPerSecond) && rule.refillPerSecond > 0
      : Number.isInteger(rule.limit) && rule.limit >= 1;
  if (!fine) throw new RangeError(`rate limit rule '${rule.name}' can never grant a permit: ${JSON.stringify(rule)}`);
}
