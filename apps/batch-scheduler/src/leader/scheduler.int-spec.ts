import { Logger } from '@nestjs/common';
import { z } from 'zod';
import { createTestDatabase, waitUntil, withPgClient, type TestDatabase } from '@junction/testing';
import type { BatchJob, BatchJobContext, BatchJobRegistry } from '../jobs/batch-job';
import { JobCatalog } from '../registry/job-catalog';
import { BatchRunRepository } from '../runs/batch-run.repository';
import { AdminRunsHandler } from '../runs/usecases/admin-runs/admin-runs.handler';
import { ExecuteRunHandler } from '../runs/usecases/execute-run/execute-run.handler';
import { ScheduleRepository } from '../schedules/schedule.repository';
import { AdminSchedulesHandler } from '../schedules/usecases/admin-schedules/admin-schedules.handler';
import { FireDueSchedulesHandler } from '../schedules/usecases/fire-due-schedules/fire-due-schedules.handler';
import { LeaderElector } from './leader.elector';
import { SchedulerLoop } from './scheduler.loop';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A job that exists only for this test: counts `items`, one checkpoint per item, resumable from {at}. */
class CountJob implements BatchJob<{ items: number; delayMs: number }> {
  readonly name = 'test.count';
  readonly description = 'counts items (test only)';
  readonly params = z.strictObject({ items: z.number().int().min(0), delayMs: z.number().int().min(0) });
  readonly started: Array<{ runId: string; cursor: unknown }> = [];

  async run({ runId, params, cursor, signal, progress }: BatchJobContext<{ items: number; delayMs: number }>) {
    this.started.push({ runId, cursor });
    let at = (cursor as { at?: number } | null)?.at ?? 0;
    await progress.setTotal(params.items);
    while (at < params.items) {
      if (signal.aborted) return { stoppedAt: at };
      await sleep(params.delayMs);
      at++;
      await progress.checkpoint({ succeeded: 1 }, { at });
    }
    return { done: at };
  }
}

/** Two schedulers in one process on real Postgres, each with its own lock connection, as two replicas would be. */
describe('batch-scheduler leader, ticks and runs (Postgres)', () => {
  let db: TestDatabase;
  let runs: BatchRunRepository;
  let job: CountJob;
  let registry: BatchJobRegistry;
  let lockName: string;
  const stoppers: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase();
    runs = new BatchRunRepository(db.prisma);
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    job = new CountJob();
    registry = new Map([[job.name, job as BatchJob]]);
    lockName = `test-leader-${Math.random()}`;
    await db.prisma.batchRun.deleteMany({});
    await db.prisma.schedule.deleteMany({});
  });
  afterEach(async () => {
    while (stoppers.length) await stoppers.pop()!();
  });

  function startScheduler(owner: string, leaseMs = 60_000) {
    const schedules = new ScheduleRepository(db.prisma);
    const loop = new SchedulerLoop(new FireDueSchedulesHandler(schedules, 5_000), runs, new ExecuteRunHandler(runs, registry, { owner, leaseMs }), { owner, tickMs: 200, concurrency: 4, leaseMs });
    const elector = new LeaderElector({ databaseUrl: db.url, lockName, retryMs: 300, checkMs: 300 }, loop);
    loop.attach(elector);
    elector.start();
    let stopped = false;
    const stop = async () => {
      if (stopped) return;
      stopped = true;
      loop.demoted();
      await loop.drain();
      await elector.stop();
    };
    stoppers.push(stop);
    return { loop, elector, stop };
  }
  const admin = () => new AdminSchedulesHandler(new ScheduleRepository(db.prisma), runs, new JobCatalog(registry));
  const perTick = () => db.prisma.$queryRaw<Array<{ scheduledFor: Date; n: number }>>`
    SELECT "scheduledFor", count(*)::int AS n FROM "batch_run" WHERE "scheduledFor" IS NOT NULL GROUP BY 1 ORDER BY 1`;

  it('two schedulers compete: one leader, every tick fired exactly once and run by the leader', async () => {
    const a = startScheduler('A');
    const b = startScheduler('B');
    await waitUntil(() => a.elector.isLeader() || b.elector.isLeader(), 5_000);
    const [leader, follower] = a.elector.isLeader() ? [a, b] : [b, a];
    await admin().create('t1', { name: 'every-second', cron: '* * * * * *', job: 'test.count', params: { items: 1, delayMs: 0 } });
    await sleep(4_200);
    expect(follower.elector.isLeader()).toBe(false);
    const ticks = await perTick();
    expect(ticks.length).toBeGreaterThanOrEqual(3);
    expect(ticks.every((t) => t.n === 1)).toBe(true);
    // Consecutive seconds: no tick lost while one leader ran.
    for (let i = 1; i < ticks.length; i++) expect(ticks[i]!.scheduledFor.getTime() - ticks[i - 1]!.scheduledFor.getTime()).toBe(1_000);
    await waitUntil(async () => (await db.prisma.batchRun.count({ where: { status: { not: 'succeeded' } } })) === 0, 5_000);
    const owners = await db.prisma.batchRun.findMany({ select: { leaseOwner: true }, distinct: ['leaseOwner'] });
    expect(owners.map((o) => o.leaseOwner)).toEqual([leader.loop.view().owner]);
  });

  it('leader loss: its lock connection is killed, it stops at once, and the other takes over and fires on', async () => {
    const a = startScheduler('A');
    await waitUntil(() => a.elector.isLeader(), 5_000);
    const b = startScheduler('B');
    await admin().create('t1', { name: 'every-second', cron: '* * * * * *', job: 'test.count', params: { items: 1, delayMs: 0 } });
    await sleep(1_500);
    await withPgClient(db.url, (c) =>
      c.query(`SELECT pg_terminate_backend(l.pid) FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())`),
    );
    await waitUntil(() => !a.elector.isLeader(), 2_000);
    await waitUntil(() => b.elector.isLeader(), 5_000);
    const takeover = Date.now();
    await sleep(2_500);
    const ticks = await perTick();
    expect(ticks.every((t) => t.n === 1)).toBe(true);
    expect(ticks.filter((t) => t.scheduledFor.getTime() > takeover).length).toBeGreaterThanOrEqual(2);
    expect(await db.prisma.batchRun.count({ where: { leaseOwner: 'B' } })).toBeGreaterThan(0);
  });

  it('resumes a run whose owner died from its last cursor, and completes it once', async () => {
    const run = await runs.create({ tenantId: 't1', job: 'test.count', params: { items: 8, delayMs: 10 } });
    // What a dead owner leaves: running, 5 items checkpointed, a heartbeat older than the lease.
    await db.prisma.batchRun.update({ where: { id: run.id }, data: { status: 'running', leaseOwner: 'dead', heartbeatAt: new Date(Date.now() - 10_000), startedAt: new Date(), cursor: { at: 5 }, succeeded: 5, processed: 5 } });
    startScheduler('A', 2_000);
    await waitUntil(async () => (await runs.find(run.id))?.status === 'succeeded', 10_000);
    expect(job.started).toEqual([{ runId: run.id, cursor: { at: 5 } }]);
    expect(await runs.find(run.id)).toMatchObject({ succeeded: 8, processed: 8, total: 8, result: { done: 8 }, leaseOwner: 'A' });
  });

  it('cancel: a running run sees the abort at its next item and ends cancelled with what it did', async () => {
    const a = startScheduler('A', 1_000);
    await waitUntil(() => a.elector.isLeader(), 5_000);
    const adminRuns = new AdminRunsHandler(runs, new JobCatalog(registry));
    const started = await adminRuns.start('t1', { job: 'test.count', params: { items: 1_000, delayMs: 20 } });
    await waitUntil(async () => ((await runs.find(started.id))?.processed ?? 0) >= 5, 10_000);
    const cancelled = await adminRuns.cancel('t1', started.id);
    expect(cancelled.status).toBe('cancelled');
    await waitUntil(() => a.loop.view().activeRuns.length === 0, 5_000);
    const row = await runs.find(started.id);
    expect(row?.status).toBe('cancelled');
    expect(row?.processed).toBeLessThan(1_000);
    expect(row?.result).toMatchObject({ stoppedAt: row?.processed });
    await expect(adminRuns.cancel('t1', (await adminRuns.start('t1', { job: 'test.count', params: { items: 0, delayMs: 0 } })).id)).resolves.toBeDefined();
    await expect(adminRuns.start('t1', { job: 'nope' })).rejects.toMatchObject({ code: 'UNKNOWN_JOB' });
    await expect(adminRuns.start('t1', { job: 'test.count', params: { items: -1 } })).rejects.toMatchObject({ code: 'INVALID_PARAMS' });
  });

  it('records failures as {code, message}: a stable code of the job as given, anything else JOB_FAILED without its text', async () => {
    const failing = (name: string, error: Error): BatchJob => ({ name, description: 'fails (test only)', params: z.object({}), run: () => Promise.reject(error) });
    (registry as Map<string, BatchJob>).set('test.coded', failing('test.coded', Object.assign(new Error('the file has no header row'), { code: 'CSV_EMPTY' })));
    (registry as Map<string, BatchJob>).set('test.crash', failing('test.crash', new Error('connect failed: postgres://admin:hunter2@db/prod')));
    const a = startScheduler('A');
    await waitUntil(() => a.elector.isLeader(), 5_000);
    const coded = await runs.create({ tenantId: 't1', job: 'test.coded', params: {} });
    const crash = await runs.create({ tenantId: 't1', job: 'test.crash', params: {} });
    const unknown = await runs.create({ tenantId: 't1', job: 'test.gone', params: {} });
    const invalid = await runs.create({ tenantId: 't1', job: 'test.count', params: { items: 'many' } });
    const ids = [coded.id, crash.id, unknown.id, invalid.id];
    await waitUntil(async () => (await db.prisma.batchRun.count({ where: { id: { in: ids }, status: 'failed' } })) === 4, 10_000);
    const error = async (id: string) => (await runs.find(id))?.error as { code: string; message: string };
    expect(await error(coded.id)).toEqual({ code: 'CSV_EMPTY', message: 'the file has no header row' });
    expect(await error(crash.id)).toEqual({ code: 'JOB_FAILED', message: 'the job test.crash failed unexpectedly; see the batch-scheduler log' });
    expect(await error(unknown.id)).toMatchObject({ code: 'UNKNOWN_JOB' });
    expect(await error(invalid.id)).toMatchObject({ code: 'INVALID_PARAMS', message: expect.stringContaining('items') });
    expect(JSON.stringify(await runs.find(crash.id))).not.toContain('hunter2');
  });

  it('shutdown releases the run in flight (running, its cursor, no owner) and the next leader resumes it at once', async () => {
    const a = startScheduler('A', 60_000);
    await waitUntil(() => a.elector.isLeader(), 5_000);
    const run = await runs.create({ tenantId: 't1', job: 'test.count', params: { items: 40, delayMs: 20 } });
    await waitUntil(async () => ((await runs.find(run.id))?.processed ?? 0) >= 3, 10_000);
    await a.stop();
    const released = await runs.find(run.id);
    expect(released).toMatchObject({ status: 'running', leaseOwner: null, heartbeatAt: null });
    const at = (released?.cursor as { at: number }).at;
    startScheduler('B', 60_000); // a 60 s lease: only the release lets B take it now
    await waitUntil(async () => (await runs.find(run.id))?.status === 'succeeded', 10_000);
    expect(job.started.map((s) => s.cursor)).toEqual([null, { at }]);
    expect(await runs.find(run.id)).toMatchObject({ succeeded: 40, processed: 40, leaseOwner: 'B' });
  });
});
