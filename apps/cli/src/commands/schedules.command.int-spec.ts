import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { runCli } from '../cli';

/** `junction schedules …` and `junction runs …` with the real runtime against a real, migrated Postgres. */
describe('junction schedules and runs (real Postgres)', () => {
  let db: TestDatabase;

  const junction = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { env: { DATABASE_URL: db.url, TENANT_ID: 'cli-tenant' }, io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '' } });
    return { code, stdout, stderr, json: <T = Record<string, any>>() => JSON.parse(stdout) as T };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('lists the jobs, adds, changes, disables, enables, runs and removes a schedule; refuses bad input with stable codes', async () => {
    const jobs = (await junction('schedules', 'jobs', '--json')).json<Array<{ name: string }>>();
    expect(jobs.map((j) => j.name)).toEqual(['csv.export', 'csv.import', 'erp.stock.sync', 'reconcile.customers', 'reddit.monitor.sync', 'retention']);

    const bad = await junction('schedules', 'add', 'nightly', '--cron', '0 25 * * *', '--job', 'retention');
    expect([bad.code, bad.stderr]).toEqual([1, expect.stringMatching(/^junction: INVALID_CRON: invalid cron expression "0 25 \* \* \*": .*hour/)]);
    expect((await junction('schedules', 'add', 'nightly', '--cron', '0 3 * * *', '--job', 'retention', '--params', '{"dryRun":"no"}')).stderr).toMatch(/INVALID_PARAMS: params of retention: dryRun/);
    expect((await junction('schedules', 'add', 'nightly', '--cron', '0 3 * * *', '--job', 'retenshun')).stderr).toMatch(/UNKNOWN_JOB: unknown job "retenshun" \(known: .*retention/);
    expect((await junction('schedules', 'add', 'nightly', '--job', 'retention')).code).toBe(64);

    const added = await junction('schedules', 'add', 'nightly', '--cron', '0 3 * * *', '--timezone', 'Europe/Berlin', '--job', 'retention', '--params', '{"dryRun":true}', '--json');
    expect(added.code).toBe(0);
    expect(added.json()).toMatchObject({ name: 'nightly', timezone: 'Europe/Berlin', enabled: true, nextRunAt: expect.any(String) });
    expect((await junction('schedules', 'list')).stdout).toMatch(/nightly\s+retention\s+0 3 \* \* \*\s+Europe\/Berlin\s+enabled/);
    expect((await junction('schedules', 'update', 'nightly', '--cron', '*/10 * * * *', '--missed-run-policy', 'catch_up_once', '--json')).json()).toMatchObject({ cron: '*/10 * * * *', missedRunPolicy: 'catch_up_once' });
    expect((await junction('schedules', 'disable', 'nightly', '--json')).json()).toMatchObject({ enabled: false, nextRunAt: null });
    expect((await junction('schedules', 'enable', 'nightly', '--json')).json().nextRunAt).not.toBeNull();
    const run = (await junction('schedules', 'run', 'nightly', '--json')).json();
    expect(run).toMatchObject({ status: 'queued', job: 'retention', params: { dryRun: true } });
    expect((await junction('runs', 'list', '--status', 'queued', '--json')).json<Array<{ id: string }>>().map((r) => r.id)).toEqual([run.id]);
    expect((await junction('runs', 'cancel', run.id)).stdout).toContain(`Run ${run.id} is cancelled.`);
    expect((await junction('runs', 'cancel', run.id, '--tenant', 'other')).stderr).toMatch(/RUN_NOT_FOUND/);
    expect((await junction('schedules', 'remove', 'nightly')).code).toBe(0);
    expect((await junction('schedules', 'show', 'nightly')).code).toBe(64);
    expect((await junction('schedules', 'remove', 'nightly')).stderr).toMatch(/SCHEDULE_NOT_FOUND/);
  });

  it('runs show / errors, and runs watch follows a run to its end (one line per change when not a terminal)', async () => {
    const run = await db.prisma.batchRun.create({ data: { tenantId: 'cli-tenant', job: 'csv.import', params: {}, status: 'running', total: 30, startedAt: new Date(Date.now() - 3_000), leaseOwner: 'elsewhere', heartbeatAt: new Date() } });
    await db.prisma.batchRowError.createMany({ data: [3, 7].map((row) => ({ runId: run.id, row, key: `r${row}@example.com`, code: 'INVALID_EMAIL', message: 'not an e-mail address' })) });
    const shown = await junction('runs', 'show', run.id);
    expect(shown.stdout).toMatch(/status\s+running/);
    expect(shown.stdout).toMatch(/row errors\s+2/);
    expect((await junction('runs', 'errors', run.id, '--limit', '1')).stdout).toMatch(/3\s+r3@example.com\s+INVALID_EMAIL[\s\S]*more: --after 3/);

    // Another process makes progress meanwhile: 10 items, then 25, then done.
    const steps = [
      { processed: 10, succeeded: 10 },
      { processed: 25, succeeded: 23, failed: 2 },
      { processed: 30, succeeded: 28, failed: 2, status: 'succeeded', finishedAt: new Date() },
    ];
    const driver = (async () => {
      for (const step of steps) {
        await new Promise((r) => setTimeout(r, 250));
        await db.prisma.batchRun.update({ where: { id: run.id }, data: step });
      }
    })();
    const watched = await junction('runs', 'watch', run.id, '--interval-ms', '60', '--json');
    await driver;
    expect(watched.code).toBe(0);
    expect(watched.json()).toMatchObject({ status: 'succeeded', processed: 30, failed: 2, rowErrors: 2 });
    const lines = watched.stderr.trim().split('\n');
    expect(lines[0]).toMatch(new RegExp(`^run ${run.id} running 0/30 \\(ok 0, failed 0, skipped 0\\) 0% 0/s eta -$`));
    expect(lines).toContainEqual(expect.stringMatching(/running 10\/30 .* 33.3% [\d.]+\/s eta \d+s$/));
    expect(lines.at(-1)).toMatch(/succeeded 30\/30 \(ok 28, failed 2, skipped 0\) 100%/);
    expect(new Set(lines).size).toBe(lines.length);
  });
});
