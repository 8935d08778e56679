import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { createTestDatabase, freePort, startAppProcess, waitUntil, withPgClient, type AppProcess, type TestDatabase } from '@junction/testing';

const ROOT = resolve(__dirname, '../../../..');
/** Our own build output (never dist/: other work builds and deletes that). */
const BUILD = 'bench/results/scheduler-failover-build';
const ENTRY = `${BUILD}/apps/batch-scheduler/src/main.js`;
const TICK_MS = 2_000;
const OLD_ROWS = 800;
const BATCH = 4;

interface Health {
  leader: boolean;
  owner: string;
}

/**
 * The fail-over test: TWO batch-scheduler processes on one database, a schedule firing every 2 seconds
 * (catch_up_once), and a long retention run in flight on the leader when it gets `kill -9`. The follower must become
 * the leader, resume the run (after its lease) and complete it once, no tick may have two runs, and ticks may be
 * missing only while no leader ran, with the one catch-up run the policy promises.
 */
describe('batch-scheduler fail-over: kill -9 of the leader (two processes, Postgres)', () => {
  let db: TestDatabase;
  const apps: AppProcess[] = [];

  beforeAll(async () => {
    execFileSync('npx', ['swc', 'apps/batch-scheduler', 'libs', '-d', BUILD, '--copy-files', '--quiet'], { cwd: ROOT, stdio: 'inherit' });
    db = await createTestDatabase();
  }, 120_000);
  afterAll(async () => {
    for (const app of apps) await app.stop('SIGKILL');
    await db?.drop();
  });

  const start = async (leaderRetryMs: number) => {
    const port = await freePort();
    const app = await startAppProcess(ENTRY, {
      DATABASE_URL: db.url,
      BUS: 'memory',
      PORT: String(port),
      HOST: '127.0.0.1',
      // The interval would compete for the retention lock with the runs under test.
      RETENTION_ENABLED: 'false',
      RETENTION_AUDIT_DAYS: '30',
      RETENTION_BATCH_SIZE: String(BATCH),
      RETENTION_BATCH_PAUSE_MS: '60',
      SCHEDULER_TICK_MS: '200',
      SCHEDULER_LEADER_RETRY_MS: String(leaderRetryMs),
      SCHEDULER_MISFIRE_GRACE_SECONDS: '1',
      BATCH_RUN_LEASE_SECONDS: '3',
      BATCH_RUN_CONCURRENCY: '2',
    });
    apps.push(app);
    return app;
  };
  const health = async (app: AppProcess): Promise<Health> => (await (await fetch(`${app.url}/health/scheduler`)).json()) as Health;

  it('the follower takes over, resumes the run in flight once, and every tick has at most one run', async () => {
    await withPgClient(db.url, (c) =>
      c.query(`INSERT INTO "audit_event" ("action", "actor", "outcome", "occurredAt") SELECT 'endpoint.updated', 'cli', 'ok', now() - interval '400 days' FROM generate_series(1, ${OLD_ROWS})`),
    );
    const a = await start(500);
    await waitUntil(async () => (await health(a)).leader, 15_000, 'A leads');
    const b = await start(500);
    const aOwner = (await health(a)).owner;
    await db.prisma.schedule.create({ data: { tenantId: 't1', name: 'dry-retention', cron: '*/2 * * * * *', job: 'retention', params: { dryRun: true }, missedRunPolicy: 'catch_up_once' } });
    const long = await db.prisma.batchRun.create({ data: { tenantId: 't1', job: 'retention', params: {} } });

    await waitUntil(async () => ((await db.prisma.batchRun.findUnique({ where: { id: long.id } }))?.processed ?? 0) >= 3 * BATCH, 20_000, 'the long run progresses on A');
    expect((await db.prisma.batchRun.findUnique({ where: { id: long.id } }))?.leaseOwner).toBe(aOwner);
    expect((await health(b)).leader).toBe(false);
    await waitUntil(async () => (await db.prisma.batchRun.count({ where: { scheduledFor: { not: null } } })) >= 2, 10_000, 'A fires ticks');
    await sleepUntilMidTick();
    const inFlight = await db.prisma.batchRun.findUniqueOrThrow({ where: { id: long.id } });
    expect(inFlight).toMatchObject({ status: 'running', leaseOwner: aOwner });
    expect(inFlight.processed).toBeLessThan(OLD_ROWS / 2);
    const killedAt = Date.now();
    await a.stop('SIGKILL');
    // An outage of the leadership longer than two ticks: the test holds the leader lock for 5 s once A's session is
    // gone (kill -9 closed it), so ticks are missed for certain and catch_up_once has something to catch up.
    await withPgClient(db.url, async (c) => {
      await waitUntil(async () => (await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext('junction:batch-scheduler:leader')) AS ok`)).rows[0]!.ok, 5_000, 'lock free after the kill');
      expect((await health(b)).leader).toBe(false);
      await new Promise((r) => setTimeout(r, 5_000));
    });
    await waitUntil(async () => (await health(b)).leader, 15_000, 'B leads');
    const takeoverAt = Date.now();
    const bOwner = (await health(b)).owner;

    await waitUntil(async () => (await db.prisma.batchRun.findUnique({ where: { id: long.id } }))?.status === 'succeeded', 60_000, 'the long run completes');
    await new Promise((r) => setTimeout(r, 2 * TICK_MS + 500));

    const run = await db.prisma.batchRun.findUniqueOrThrow({ where: { id: long.id } });
    expect(run.leaseOwner).toBe(bOwner);
    // Every old row is gone; the counts hold what was checkpointed (a batch deleted just before the kill may be uncounted).
    expect(await db.prisma.auditEvent.count()).toBe(0);
    expect(run.processed).toBeLessThanOrEqual(OLD_ROWS);
    expect(run.processed).toBeGreaterThanOrEqual(OLD_ROWS - BATCH);
    // B's log: the run started there as a resumed run, and finished there once.
    expect(b.output()).toContain(`"runId":"${long.id}","job":"retention","tenantId":"t1","resumed":true`);
    expect(b.output().split(`"runId":"${long.id}","job":"retention","status":"succeeded"`).length).toBe(2);

    const ticks = await db.prisma.$queryRaw<Array<{ at: Date; n: number; created: Date }>>`
      SELECT "scheduledFor" AS at, count(*)::int AS n, min("createdAt") AS created FROM "batch_run" WHERE "scheduledFor" IS NOT NULL GROUP BY 1 ORDER BY 1`;
    expect(ticks.length).toBeGreaterThan(4);
    expect(ticks.filter((t) => t.n !== 1)).toEqual([]);
    const fired = new Set(ticks.map((t) => t.at.getTime()));
    const missing: number[] = [];
    for (let t = ticks[0]!.at.getTime(); t <= ticks.at(-1)!.at.getTime(); t += TICK_MS) if (!fired.has(t)) missing.push(t);
    // Missing only while no leader ran: after the kill, before the takeover's first tick.
    for (const t of missing) {
      expect(t).toBeGreaterThan(killedAt - TICK_MS);
      expect(t).toBeLessThan(takeoverAt + 1_000);
    }
    // 5 s without a leader on a 2 s schedule: at least two ticks missed, all but the latest without a run.
    expect(missing.length).toBeGreaterThanOrEqual(1);
    // B's first tick is one transaction (one createdAt): the catch-up run for the latest missed tick, plus the current
    // tick when it is still within the grace. Every tick before it back to A's last one is missing; none after it.
    const firstB = Math.min(...ticks.filter((t) => t.at.getTime() > killedAt).map((t) => t.created.getTime()));
    const firstTick = ticks.filter((t) => t.created.getTime() === firstB);
    expect(firstTick.length).toBeGreaterThanOrEqual(1);
    expect(firstTick.length).toBeLessThanOrEqual(2);
    if (firstTick.length === 2) expect(firstTick[1]!.at.getTime() - firstTick[0]!.at.getTime()).toBe(TICK_MS);
    const caughtUp = firstTick[0]!.at.getTime();
    expect(caughtUp).toBeGreaterThan(Math.max(...missing));
    expect(firstB - caughtUp).toBeGreaterThan(1_000);
    const unfinished = await db.prisma.batchRun.count({ where: { status: { in: ['queued', 'running'] }, scheduledFor: { lt: new Date(Date.now() - 3 * TICK_MS) } } });
    expect(unfinished).toBe(0);
  }, 120_000);
});

/** Kill in the middle of a 2-second period, away from a tick boundary, so "missed" is not a matter of milliseconds. */
async function sleepUntilMidTick(): Promise<void> {
  const into = Date.now() % TICK_MS;
  await new Promise((r) => setTimeout(r, (TICK_MS + TICK_MS / 2 - into) % TICK_MS));
}
