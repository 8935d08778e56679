import { Injectable } from '@nestjs/common';
import { Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export interface RateLimitBucketKey {
  readonly provider: string;
  readonly connection: string;
  readonly rule: string;
}

export type QuotaWindow = 'minute' | 'hour' | 'day';

/** What one acquisition statement did. `retryAtMs` is set only when it denied. */
export interface TakeResult {
  readonly granted: boolean;
  readonly retryAtMs: number | null;
  /** Quota: the window the permit was counted in, epoch ms (a give-back must hit the same window). */
  readonly windowStartMs: number | null;
  /** The grant also used up one permit of a provider ceiling ending at this time (epoch ms). */
  readonly ceilingUntilMs: number | null;
}

interface TakeRow {
  granted: boolean;
  retryAtMs: number | null;
  windowStartMs: number | null;
  ceilingCharged: boolean;
  ceilingUntilMs: number | null;
}

// Below this a token deficit is float noise: a caller retrying at the announced retryAt must get its token.
const EPSILON = 1e-9;

/**
 * The `rate_limit_bucket` rows behind PostgresRateLimiter. Every acquisition is one INSERT … ON CONFLICT DO UPDATE:
 * the conflicting row is locked for the statement, so concurrent callers in any process are serialised on it and
 * the decision (refill, window reset, grant) is made on the latest committed state.
 *
 * Time: `at` (epoch ms, injected by tests) or the database's `now()`. A statement that waited on the row lock may carry a
 * `now()` older than the row's `updatedAt`; refill is then zero and time never moves backwards (GREATEST), so a
 * late statement can only be stricter, never grant tokens twice.
 */
@Injectable()
export class RateLimitBucketRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** Token bucket: refill by elapsed time (capped at capacity), then take one token if a whole one is there. */
  async takeToken(key: RateLimitBucketKey, capacity: number, refillPerSecond: number, at: number | null): Promise<TakeResult> {
    const rows = await this.prisma.$queryRaw<TakeRow[]>`
      INSERT INTO "rate_limit_bucket" AS b
        ("provider", "connection", "rule", "kind", "capacity", "refillPerSecond", "windowUnit", "tokens", "updatedAt", "lastGranted")
      VALUES (${key.provider}, ${key.connection}, ${key.rule}, 'token-bucket', ${capacity}::float8, ${refillPerSecond}::float8,
              NULL, ${capacity}::float8 - 1, ${now(at)}, true)
      ON CONFLICT ("provider", "connection", "rule") DO UPDATE SET
        ("kind", "capacity", "refillPerSecond", "windowUnit", "tokens", "updatedAt", "ceiling", "lastGranted") = (
          SELECT EXCLUDED."kind", EXCLUDED."capacity", EXCLUDED."refillPerSecond", NULL::text,
                 CASE WHEN s.ok THEN GREATEST(s.level - 1, 0) ELSE s.level END,
                 s.at,
                 CASE WHEN s.ok AND s.capped THEN b."ceiling" - 1 ELSE b."ceiling" END,
                 s.ok
          FROM (
            SELECT l.level, l.at, l.capped, l.level >= 1 - ${EPSILON}::float8 AND (NOT l.capped OR b."ceiling" >= 1) AS ok
            FROM (
              SELECT LEAST(EXCLUDED."capacity", COALESCE(b."tokens", EXCLUDED."capacity")
                       + EXCLUDED."refillPerSecond" * GREATEST(EXTRACT(EPOCH FROM EXCLUDED."updatedAt" - b."updatedAt")::float8, 0)) AS level,
                     GREATEST(b."updatedAt", EXCLUDED."updatedAt") AS at,
                     COALESCE(b."ceilingUntil" > GREATEST(b."updatedAt", EXCLUDED."updatedAt"), false) AS capped
            ) l
          ) s
        )
      RETURNING "lastGranted" AS "granted",
        CASE WHEN NOT "lastGranted" THEN GREATEST(
          CASE WHEN "tokens" < 1 - ${EPSILON}::float8
               THEN (EXTRACT(EPOCH FROM "updatedAt") * 1000)::float8 + (1 - "tokens") / "refillPerSecond" * 1000 END,
          CASE WHEN "ceilingUntil" > "updatedAt" AND "ceiling" < 1 THEN (EXTRACT(EPOCH FROM "ceilingUntil") * 1000)::float8 END)
        END AS "retryAtMs",
        NULL::float8 AS "windowStartMs",
        "lastGranted" AND COALESCE("ceilingUntil" > "updatedAt", false) AS "ceilingCharged",
        ${epochMs(Prisma.sql`"ceilingUntil"`)} AS "ceilingUntilMs"`;
    return toResult(rows);
  }

  /**
   * Fixed quota window aligned to UTC (date_trunc … 'UTC'): the count restarts when the stored window is older
   * than the current one. A caller whose clock is still in the previous window counts in the newer stored one.
   * `permits` > 1 takes a chunk at once, all or nothing (PostgresRateLimiter hands it out in-process).
   */
  async takeQuota(key: RateLimitBucketKey, limit: number, window: QuotaWindow, at: number | null, permits = 1): Promise<TakeResult> {
    const rows = await this.prisma.$queryRaw<TakeRow[]>`
      INSERT INTO "rate_limit_bucket" AS b
        ("provider", "connection", "rule", "kind", "capacity", "windowUnit", "count", "windowStart", "updatedAt", "lastGranted")
      VALUES (${key.provider}, ${key.connection}, ${key.rule}, 'quota', ${limit}::float8, ${window}::text,
              ${permits}::int, date_trunc(${window}::text, ${now(at)}, 'UTC'), ${now(at)}, true)
      ON CONFLICT ("provider", "connection", "rule") DO UPDATE SET
        ("kind", "capacity", "refillPerSecond", "windowUnit", "tokens", "count", "windowStart", "updatedAt", "ceiling", "lastGranted") = (
          SELECT EXCLUDED."kind", EXCLUDED."capacity", NULL::float8, EXCLUDED."windowUnit", NULL::float8,
                 CASE WHEN s.ok THEN s.used + ${permits}::int ELSE s.used END,
                 s.ws,
                 s.at,
                 CASE WHEN s.ok AND s.capped THEN b."ceiling" - ${permits}::int ELSE b."ceiling" END,
                 s.ok
          FROM (
            SELECT l.*, l.used + ${permits}::int <= EXCLUDED."capacity" AND (NOT l.capped OR b."ceiling" >= ${permits}::int) AS ok
            FROM (
              SELECT
                CASE WHEN l0.fresh THEN EXCLUDED."windowStart" ELSE GREATEST(b."windowStart", EXCLUDED."windowStart") END AS ws,
                CASE WHEN l0.fresh OR b."windowStart" < EXCLUDED."windowStart" THEN 0 ELSE b."count" END AS used,
                GREATEST(b."updatedAt", EXCLUDED."updatedAt") AS at,
                COALESCE(b."ceilingUntil" > GREATEST(b."updatedAt", EXCLUDED."updatedAt"), false) AS capped
              FROM (SELECT b."windowStart" IS NULL OR b."windowUnit" IS DISTINCT FROM EXCLUDED."windowUnit" AS fresh) l0
            ) l
          ) s
        )
      RETURNING "lastGranted" AS "granted",
        CASE WHEN NOT "lastGranted" THEN GREATEST(
          CASE WHEN "count" >= "capacity"
               THEN (EXTRACT(EPOCH FROM ${nextWindowStart(Prisma.sql`"windowStart"`, Prisma.sql`"windowUnit"`)}) * 1000)::float8 END,
          CASE WHEN "ceilingUntil" > "updatedAt" AND "ceiling" < 1 THEN (EXTRACT(EPOCH FROM "ceilingUntil") * 1000)::float8 END)
        END AS "retryAtMs",
        ${epochMs(Prisma.sql`"windowStart"`)} AS "windowStartMs",
        "lastGranted" AND COALESCE("ceilingUntil" > "updatedAt", false) AS "ceilingCharged",
        ${epochMs(Prisma.sql`"ceilingUntil"`)} AS "ceilingUntilMs"`;
    return toResult(rows);
  }

  /** Gives back a permit taken by `take*` (all-or-none across rules): the token, the window's count, the ceiling's permit. */
  async giveBack(key: RateLimitBucketKey, taken: TakeResult): Promise<void> {
    await this.prisma.$executeRaw`
      UPDATE "rate_limit_bucket" SET
        "tokens" = CASE WHEN "kind" = 'token-bucket' THEN LEAST("capacity", COALESCE("tokens", "capacity") + 1) ELSE "tokens" END,
        "count" = CASE WHEN "kind" = 'quota' AND "windowStart" = ${timestamp(taken.windowStartMs)}
                       THEN GREATEST("count" - 1, 0) ELSE "count" END,
        "ceiling" = CASE WHEN "ceilingUntil" = ${timestamp(taken.ceilingUntilMs)} THEN "ceiling" + 1 ELSE "ceiling" END
      WHERE "provider" = ${key.provider} AND "connection" = ${key.connection} AND "rule" = ${key.rule}`;
  }

  /** Creates the row (full bucket / empty window) if no replica has acquired on it yet, so `tighten` has a row. */
  async ensure(key: RateLimitBucketKey, rule: { kind: 'token-bucket'; capacity: number; refillPerSecond: number } | { kind: 'quota'; limit: number; window: QuotaWindow }, at: number | null): Promise<void> {
    const capacity = rule.kind === 'token-bucket' ? rule.capacity : rule.limit;
    const refill = rule.kind === 'token-bucket' ? rule.refillPerSecond : null;
    const window = rule.kind === 'quota' ? rule.window : null;
    await this.prisma.$executeRaw`
      INSERT INTO "rate_limit_bucket" ("provider", "connection", "rule", "kind", "capacity", "refillPerSecond", "windowUnit", "updatedAt")
      VALUES (${key.provider}, ${key.connection}, ${key.rule}, ${rule.kind}, ${capacity}::float8, ${refill}::float8, ${window}::text, ${now(at)})
      ON CONFLICT DO NOTHING`;
  }

  /**
   * What the provider said: `remaining` calls until `resetAt`. A bucket without a reset time (Shopify's
   * "32/40") is drained to `remaining` tokens and refills at our rate. Otherwise a ceiling of `remaining` grants
   * holds until `resetAt` (a quota without one: until its current window ends). Within the same provider window
   * the ceiling only goes down; a later reset time means the provider moved to a new window and replaces it.
   * `rule` null = every rule of the connection. Returns the rows touched.
   */
  async tighten(key: Omit<RateLimitBucketKey, 'rule'> & { rule: string | null }, remaining: number, resetAtMs: number | null, at: number | null): Promise<number> {
    return this.prisma.$executeRaw`
      UPDATE "rate_limit_bucket" AS b SET ("tokens", "updatedAt", "ceiling", "ceilingUntil") = (
        SELECT CASE WHEN s.clamp THEN LEAST(s.level, ${remaining}::float8) ELSE b."tokens" END,
               CASE WHEN s.clamp THEN s.at ELSE b."updatedAt" END,
               CASE WHEN s.clamp OR s.until <= s.at THEN b."ceiling"
                    WHEN b."ceilingUntil" > s.at AND s.until <= b."ceilingUntil" THEN LEAST(b."ceiling", ${remaining}::int)
                    ELSE ${remaining}::int END,
               CASE WHEN s.clamp OR s.until <= s.at THEN b."ceilingUntil"
                    WHEN b."ceilingUntil" > s.at AND s.until <= b."ceilingUntil" THEN b."ceilingUntil"
                    ELSE s.until END
        FROM (
          SELECT l.*, COALESCE(${timestamp(resetAtMs)},
                   CASE WHEN b."kind" = 'quota' THEN ${nextWindowStart(Prisma.sql`date_trunc(b."windowUnit", l.now, 'UTC')`, Prisma.sql`b."windowUnit"`)} END) AS until
          FROM (
            SELECT ${now(at)} AS now,
                   b."kind" = 'token-bucket' AND ${resetAtMs}::float8 IS NULL AS clamp,
                   GREATEST(b."updatedAt", ${now(at)}) AS at,
                   LEAST(b."capacity", COALESCE(b."tokens", b."capacity")
                     + COALESCE(b."refillPerSecond", 0) * GREATEST(EXTRACT(EPOCH FROM ${now(at)} - b."updatedAt")::float8, 0)) AS level
          ) l
        ) s
      )
      WHERE b."provider" = ${key.provider} AND b."connection" = ${key.connection} AND (${key.rule}::text IS NULL OR b."rule" = ${key.rule})`;
  }
}

// Times cross the wire as epoch ms: adapter-pg sends a Date without its offset, so a session whose time zone is
// not UTC would read it as local time.
function timestamp(epochMs: number | null): Prisma.Sql {
  return Prisma.sql`to_timestamp(${epochMs}::float8 / 1000)`;
}

function epochMs(column: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(EXTRACT(EPOCH FROM ${column}) * 1000)::float8`;
}

function now(at: number | null): Prisma.Sql {
  return Prisma.sql`COALESCE(${timestamp(at)}, now())`;
}

// Interval arithmetic in UTC: timestamptz + '1 day' would follow the session time zone across DST changes.
function nextWindowStart(start: Prisma.Sql, unit: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`((${start} AT TIME ZONE 'UTC') + ('1 ' || ${unit})::interval) AT TIME ZONE 'UTC'`;
}

function toResult(rows: TakeRow[]): TakeResult {
  const row = rows[0];
  if (!row) throw new Error('rate limit upsert returned no row');
  return {
    granted: row.granted,
    retryAtMs: row.retryAtMs === null ? null : Math.ceil(row.retryAtMs),
    windowStartMs: row.windowStartMs,
    ceilingUntilMs: row.ceilingCharged ? row.ceilingUntilMs : null,
  };
}
