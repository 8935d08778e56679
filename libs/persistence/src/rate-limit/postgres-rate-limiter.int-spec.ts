import type { RateLimitRule } from '@junction/resilience';
import { createTestDatabase, withPgClient, type TestDatabase } from '@junction/testing';
import { PrismaService } from '../prisma/prisma.service';
import { PostgresRateLimiter } from './postgres-rate-limiter';

const ms = (iso: string) => Date.parse(iso);

describe('PostgresRateLimiter (real Postgres)', () => {
  let db: TestDatabase;
  let time: number;
  let limiter: PostgresRateLimiter;
  let run = 0;
  /** A fresh provider connection per test, so rows never leak between tests. */
  let key: { provider: string; connection: string };

  const at = (iso: string) => {
    time = ms(iso);
  };
  const acquireN = async (n: number, rules: readonly RateLimitRule[]) => {
    const results = [];
    for (let i = 0; i < n; i++) results.push(await limiter.tryAcquire(key, rules));
    return results;
  };
  const row = (rule: string) =>
    db.prisma.rateLimitBucket.findUniqueOrThrow({ where: { provider_connection_rule: { ...key, rule } } });

  beforeAll(async () => {
    db = await createTestDatabase();
    // Windows must align to UTC whatever the server's time zone is: +05:45 breaks hour and day alignment.
    await withPgClient(db.url, (client) => client.query(`ALTER DATABASE ${client.escapeIdentifier(new URL(db.url).pathname.slice(1))} SET timezone = 'Asia/Kathmandu'`));
  });
  afterAll(() => db.drop());
  beforeEach(() => {
    key = { provider: 'shopify', connection: `conn-${++run}` };
    limiter = new PostgresRateLimiter(db.prisma, { clock: () => time });
  });

  it('runs its sessions in UTC on a database whose default time zone is not', async () => {
    const [{ TimeZone }] = await db.prisma.$queryRaw<Array<{ TimeZone: string }>>`SHOW timezone`;
    expect(TimeZone).toBe('UTC');
    const [{ tz }] = await withPgClient(db.url, async (c) => (await c.query<{ tz: string }>("SELECT current_setting('TimeZone') AS tz")).rows);
    expect(tz).toBe('Asia/Kathmandu');
  });

  describe('token bucket', () => {
    const bucket: RateLimitRule = { kind: 'token-bucket', name: 'burst', capacity: 5, refillPerSecond: 2 };

    it('grants the burst, then one token per 1/rate seconds, with the exact time the next token arrives', async () => {
      at('2026-03-01T12:00:00.000Z');
      expect(await acquireN(5, [bucket])).toEqual(Array(5).fill({ granted: true }));
      expect(await limiter.tryAcquire(key, [bucket])).toEqual({ granted: false, rule: 'burst', retryAt: ms('2026-03-01T12:00:00.500Z') });

      at('2026-03-01T12:00:00.499Z');
      expect(await limiter.tryAcquire(key, [bucket])).toEqual({ granted: false, rule: 'burst', retryAt: ms('2026-03-01T12:00:00.500Z') });
      at('2026-03-01T12:00:00.500Z');
      expect(await limiter.tryAcquire(key, [bucket])).toEqual({ granted: true });
      expect(await limiter.tryAcquire(key, [bucket])).toEqual({ granted: false, rule: 'burst', retryAt: ms('2026-03-01T12:00:01.000Z') });

      // 0.8 s → 1.6 tokens: one grant, and the rest (0.6) is kept, so the next is 0.2 s away.
      at('2026-03-01T12:00:01.300Z');
      expect(await limiter.tryAcquire(key, [bucket])).toEqual({ granted: true });
      expect(await limiter.tryAcquire(key, [bucket])).toEqual({ granted: false, rule: 'burst', retryAt: ms('2026-03-01T12:00:01.500Z') });
    });

    it('refills no higher than the capacity after a long pause', async () => {
      at('2026-03-01T12:00:00.000Z');
      await acquireN(5, [bucket]);
      at('2026-03-01T13:00:00.000Z');
      const results = await acquireN(6, [bucket]);
      expect(results.filter((r) => r.granted)).toHaveLength(5);
      expect(results[5]).toEqual({ granted: false, rule: 'burst', retryAt: ms('2026-03-01T13:00:00.500Z') });
    });

    it('on the database clock: a caller that waits until retryAt gets its token', async () => {
      const fast: RateLimitRule = { kind: 'token-bucket', name: 'fast', capacity: 2, refillPerSecond: 20 };
      const real = new PostgresRateLimiter(db.prisma);
      expect((await real.tryAcquire(key, [fast])).granted).toBe(true);
      expect((await real.tryAcquire(key, [fast])).granted).toBe(true);
      const before = Date.now();
      const denied = await real.tryAcquire(key, [fast]);
      if (denied.granted) throw new Error('expected a denial');
      expect(denied.retryAt).toBeGreaterThan(before - 100);
      expect(denied.retryAt).toBeLessThanOrEqual(Date.now() + 50);
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, denied.retryAt - Date.now()) + 5));
      expect(await real.tryAcquire(key, [fast])).toEqual({ granted: true });
    });
  });

  describe('quota windows aligned to UTC', () => {
    it.each([
      ['minute', '2026-03-01T10:15:42.123Z', '2026-03-01T10:16:00.000Z'],
      ['hour', '2026-03-01T10:15:42.123Z', '2026-03-01T11:00:00.000Z'],
      ['day', '2026-03-01T23:59:59.999Z', '2026-03-02T00:00:00.000Z'],
      ['day', '2026-03-01T00:00:00.000Z', '2026-03-02T00:00:00.000Z'],
    ] as const)('per %s: the limit in the window starting at %s, then denial until %s', async (window, start, next) => {
      const quota: RateLimitRule = { kind: 'quota', name: `per-${window}`, limit: 3, window };
      at(start);
      expect(await acquireN(3, [quota])).toEqual(Array(3).fill({ granted: true }));
      expect(await limiter.tryAcquire(key, [quota])).toEqual({ granted: false, rule: quota.name, retryAt: ms(next) });

      time = ms(next) - 1;
      expect(await limiter.tryAcquire(key, [quota])).toEqual({ granted: false, rule: quota.name, retryAt: ms(next) });
      time = ms(next);
      expect(await acquireN(4, [quota])).toEqual([{ granted: true }, { granted: true }, { granted: true }, expect.objectContaining({ granted: false })]);
      // Read as epoch ms: Prisma's adapter misreads timestamptz when the session time zone is not UTC.
      const [stored] = await db.prisma.$queryRaw<Array<{ windowStartMs: number }>>`
        SELECT (EXTRACT(EPOCH FROM "windowStart") * 1000)::float8 AS "windowStartMs" FROM "rate_limit_bucket"
        WHERE "provider" = ${key.provider} AND "connection" = ${key.connection} AND "rule" = ${quota.name}`;
      expect(stored?.windowStartMs).toBe(ms(next));
    });

    it('a caller still on the previous window counts against the newer stored window', async () => {
      const quota: RateLimitRule = { kind: 'quota', name: 'per-minute', limit: 2, window: 'minute' };
      at('2026-03-01T10:16:00.000Z');
      await acquireN(2, [quota]);
      at('2026-03-01T10:15:59.990Z');
      expect(await limiter.tryAcquire(key, [quota])).toEqual({ granted: false, rule: 'per-minute', retryAt: ms('2026-03-01T10:17:00.000Z') });
    });
  });

  describe('several rules: all or none', () => {
    const daily: RateLimitRule = { kind: 'quota', name: 'daily', limit: 5, window: 'day' };
    const slow: RateLimitRule = { kind: 'token-bucket', name: 'slow', capacity: 1, refillPerSecond: 0.5 };

    it('gives back the earlier rules’ permits when a later rule denies', async () => {
      at('2026-03-01T08:00:00.000Z');
      expect(await limiter.tryAcquire(key, [daily, slow])).toEqual({ granted: true });
      expect(await limiter.tryAcquire(key, [daily, slow])).toEqual({ granted: false, rule: 'slow', retryAt: ms('2026-03-01T08:00:02.000Z') });
      expect((await row('daily')).count).toBe(1);

      at('2026-03-01T08:00:02.000Z');
      expect(await limiter.tryAcquire(key, [daily, slow])).toEqual({ granted: true });
      expect((await row('daily')).count).toBe(2);
      expect((await row('slow')).tokens).toBeCloseTo(0, 9);
    });

    it('takes nothing from the later rules when an earlier one denies', async () => {
      const tiny: RateLimitRule = { kind: 'quota', name: 'tiny', limit: 1, window: 'hour' };
      const roomy: RateLimitRule = { kind: 'token-bucket', name: 'roomy', capacity: 10, refillPerSecond: 1 };
      at('2026-03-01T08:30:00.000Z');
      expect(await limiter.tryAcquire(key, [tiny, roomy])).toEqual({ granted: true });
      expect(await limiter.tryAcquire(key, [tiny, roomy])).toEqual({ granted: false, rule: 'tiny', retryAt: ms('2026-03-01T09:00:00.000Z') });
      expect((await row('roomy')).tokens).toBeCloseTo(9, 9);
    });

    it('a give-back returns the bucket token, capped at the capacity', async () => {
      const full: RateLimitRule = { kind: 'token-bucket', name: 'full', capacity: 3, refillPerSecond: 1 };
      const once: RateLimitRule = { kind: 'quota', name: 'once', limit: 1, window: 'minute' };
      at('2026-03-01T08:00:00.000Z');
      expect(await limiter.tryAcquire(key, [full, once])).toEqual({ granted: true });
      at('2026-03-01T08:00:30.000Z');
      expect((await limiter.tryAcquire(key, [full, once])).granted).toBe(false);
      expect((await row('full')).tokens).toBe(3);
    });
  });

  describe('observe: the provider’s word tightens the shared view', () => {
    const perMinute: RateLimitRule = { kind: 'quota', name: 'per-minute', limit: 100, window: 'minute' };

    it('never grants more than the provider says remains until its reset, and a looser report does not loosen it', async () => {
      at('2026-03-01T09:00:10.000Z');
      expect(await limiter.tryAcquire(key, [perMinute])).toEqual({ granted: true });
      await limiter.observe(key, { remaining: 2, resetAt: ms('2026-03-01T09:00:40.000Z') });
      expect(await acquireN(2, [perMinute])).toEqual([{ granted: true }, { granted: true }]);
      expect(await limiter.tryAcquire(key, [perMinute])).toEqual({ granted: false, rule: 'per-minute', retryAt: ms('2026-03-01T09:00:40.000Z') });

      await limiter.observe(key, { remaining: 50, resetAt: ms('2026-03-01T09:00:40.000Z'), rule: 'per-minute' });
      expect((await limiter.tryAcquire(key, [perMinute])).granted).toBe(false);

      at('2026-03-01T09:00:40.000Z');
      expect(await limiter.tryAcquire(key, [perMinute])).toEqual({ granted: true });
      expect((await row('per-minute')).count).toBe(4);
    });

    it('a quota report without a reset time holds until the current window ends', async () => {
      at('2026-03-01T09:05:10.000Z');
      await limiter.tryAcquire(key, [perMinute]);
      await limiter.observe(key, { remaining: 0 });
      expect(await limiter.tryAcquire(key, [perMinute])).toEqual({ granted: false, rule: 'per-minute', retryAt: ms('2026-03-01T09:06:00.000Z') });
      at('2026-03-01T09:06:00.000Z');
      expect(await limiter.tryAcquire(key, [perMinute])).toEqual({ granted: true });
    });

    it('a bucket report without a reset time (Shopify "37/40") drains the bucket to what remains', async () => {
      const shopify: RateLimitRule = { kind: 'token-bucket', name: 'leaky', capacity: 40, refillPerSecond: 2 };
      at('2026-03-01T09:00:00.000Z');
      await limiter.tryAcquire(key, [shopify]);
      await limiter.observe(key, { remaining: 3 });
      expect(await acquireN(4, [shopify])).toEqual([
        { granted: true },
        { granted: true },
        { granted: true },
        { granted: false, rule: 'leaky', retryAt: ms('2026-03-01T09:00:00.500Z') },
      ]);
      await limiter.observe(key, { remaining: 39 });
      expect((await row('leaky')).tokens).toBeCloseTo(0, 9);
    });

    it('a replica that never acquired on the key tightens every rule of the connection', async () => {
      at('2026-03-01T09:00:00.000Z');
      await limiter.tryAcquire(key, [perMinute]);
      const otherReplica = new PostgresRateLimiter(db.prisma, { clock: () => time });
      await otherReplica.observe(key, { remaining: 0, resetAt: ms('2026-03-01T09:00:20.000Z') });
      expect(await limiter.tryAcquire(key, [perMinute])).toEqual({ granted: false, rule: 'per-minute', retryAt: ms('2026-03-01T09:00:20.000Z') });
    });

    it('creates the row when the provider reports before any acquisition', async () => {
      at('2026-03-01T09:00:00.000Z');
      await limiter.tryAcquire(key, [perMinute]);
      await db.prisma.rateLimitBucket.deleteMany({ where: key });
      await limiter.observe(key, { remaining: 1, resetAt: ms('2026-03-01T09:00:30.000Z') });
      expect(await acquireN(2, [perMinute])).toEqual([{ granted: true }, { granted: false, rule: 'per-minute', retryAt: ms('2026-03-01T09:00:30.000Z') }]);
    });
  });

  it('50 concurrent acquisitions on a quota of 20 grant exactly 20', async () => {
    const wide = new PrismaService(db.url, { poolMax: 25 });
    try {
      const shared = new PostgresRateLimiter(wide);
      const quota: RateLimitRule = { kind: 'quota', name: 'hourly', limit: 20, window: 'hour' };
      const results = await Promise.all(Array.from({ length: 50 }, () => shared.tryAcquire(key, [quota])));
      expect(results.filter((r) => r.granted)).toHaveLength(20);
      expect((await row('hourly')).count).toBe(20);
    } finally {
      await wide.$disconnect();
    }
  });

  describe('quota chunks (a thousandth of a large quota per statement)', () => {
    it('takes 100 permits per statement from a 100,000/hour quota and hands them out in-process', async () => {
      at('2026-03-01T09:10:00.000Z');
      const hourly: RateLimitRule = { kind: 'quota', name: 'big-hourly', limit: 100_000, window: 'hour' };
      expect((await acquireN(250, [hourly])).every((r) => r.granted)).toBe(true);
      // Three statements: 300 counted, 50 of them held by this replica for the rest of the hour.
      expect((await row('big-hourly')).count).toBe(300);
      at('2026-03-01T10:00:00.000Z');
      await acquireN(1, [hourly]);
      expect((await row('big-hourly')).count).toBe(100);
    });

    it('two replicas sharing a 2,000/hour quota grant exactly 2,000, and one permit at a time near the limit', async () => {
      at('2026-03-01T09:10:00.000Z');
      const quota: RateLimitRule = { kind: 'quota', name: 'two-k', limit: 2_000, window: 'hour' };
      const other = new PostgresRateLimiter(db.prisma, { clock: () => time });
      await db.prisma.rateLimitBucket.create({
        data: { ...key, rule: 'two-k', kind: 'quota', capacity: 2_000, windowUnit: 'hour', count: 1_995, windowStart: new Date(ms('2026-03-01T09:00:00.000Z')), updatedAt: new Date(time) },
      });
      const results = [];
      for (let i = 0; i < 4; i++) results.push(await limiter.tryAcquire(key, [quota]), await other.tryAcquire(key, [quota]));
      expect(results.filter((r) => r.granted)).toHaveLength(5);
      expect((await row('two-k')).count).toBe(2_000);
    });

    it('a later rule\'s denial puts the permit back in the chunk, and a provider report drops the chunk', async () => {
      at('2026-03-01T09:10:00.000Z');
      const big: RateLimitRule = { kind: 'quota', name: 'big', limit: 50_000, window: 'day' };
      const tiny: RateLimitRule = { kind: 'quota', name: 'tiny', limit: 1, window: 'day' };
      expect(await acquireN(2, [big, tiny])).toEqual([{ granted: true }, expect.objectContaining({ granted: false, rule: 'tiny' })]);
      expect((await row('big')).count).toBe(50);
      await acquireN(48, [big]);
      expect((await row('big')).count).toBe(50);
      // The provider says 10 remain: the chunk held here is dropped, and a chunk of 50 no longer fits that ceiling.
      await limiter.observe(key, { remaining: 10, rule: 'big' });
      await acquireN(1, [big]);
      expect((await row('big')).count).toBe(51);
      expect((await row('big')).ceiling).toBe(9);
    });
  });

  it('rejects a rule that could never grant', async () => {
    await expect(limiter.tryAcquire(key, [{ kind: 'token-bucket', name: 'zero', capacity: 0, refillPerSecond: 1 }])).rejects.toThrow(RangeError);
    await expect(limiter.tryAcquire(key, [{ kind: 'quota', name: 'none', limit: 0, window: 'day' }])).rejects.toThrow(RangeError);
  });
});
