import type { RunningApp } from '@junction/platform';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { startRunningScheduler } from '../testing/running-scheduler.fixture';

const TENANT = 'tenant-batch';

/** The admin API of batch-scheduler (startApp, memory bus, real Postgres), the app being its own leader. */
describe('batch-scheduler admin API (real Postgres)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, key, otherKey } = await startRunningScheduler(db, TENANT));
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  }, 30_000);

  const call = async (method: string, path: string, body?: unknown, auth: string | null = key) => {
    const res = await fetch(`${app.url}${path}`, {
      method,
      headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as Record<string, any> };
  };

  it('needs an admin key, and answers /health/scheduler without one', async () => {
    expect((await call('GET', '/schedules', undefined, null)).status).toBe(401);
    await waitUntil(async () => (await call('GET', '/health/scheduler', undefined, null)).body.leader === true, 10_000);
  });

  it('GET /jobs lists the registry with each job params JSON Schema', async () => {
    const { status, body } = await call('GET', '/jobs');
    expect(status).toBe(200);
    const retention = body.items.find((j: { name: string }) => j.name === 'retention');
    expect(retention).toMatchObject({ description: expect.any(String), params: { type: 'object', properties: { dryRun: { type: 'boolean' } } } });
  });

  it('refuses bad schedules with stable codes and human messages', async () => {
    const base = { name: 'nightly', cron: '0 3 * * *', job: 'retention', params: { dryRun: true } };
    const cases: Array<[Record<string, unknown>, number, string, RegExp]> = [
      [{ ...base, cron: '61 * * * *' }, 400, 'INVALID_CRON', /minute: 61/],
      [{ ...base, timezone: 'Mars/Base' }, 400, 'INVALID_TIMEZONE', /Mars\/Base/],
      [{ ...base, job: 'nope' }, 400, 'UNKNOWN_JOB', /known: .*retention/],
      [{ ...base, params: { dryRun: 'yes' } }, 400, 'INVALID_PARAMS', /dryRun/],
      [{ ...base, missedRunPolicy: 'always' }, 400, 'INVALID_INPUT', /missedRunPolicy/],
      [{ ...base, extra: 1 }, 400, 'INVALID_INPUT', /extra/],
    ];
    for (const [body, status, code, message] of cases) {
      const res = await call('POST', '/schedules', body);
      expect([res.status, res.body.code]).toEqual([status, code]);
      expect(res.body.message).toMatch(message);
    }
  });

  it('creates, reads, edits (next tick recomputed), disables, runs now and deletes a schedule, per tenant', async () => {
    const created = await call('POST', '/schedules', { name: 'nightly', cron: '0 3 * * *', timezone: 'Europe/Berlin', job: 'retention', params: { dryRun: true } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'nightly', enabled: true, missedRunPolicy: 'skip', timezone: 'Europe/Berlin' });
    expect(new Date(created.body.nextRunAt).getUTCMinutes()).toBe(0);
    expect((await call('POST', '/schedules', { name: 'nightly', cron: '0 4 * * *', job: 'retention' })).body.code).toBe('SCHEDULE_NAME_TAKEN');
    expect((await call('GET', '/schedules/nightly')).body.id).toBe(created.body.id);
    expect((await call('GET', '/schedules/nightly', undefined, otherKey)).status).toBe(404);
    const edited = await call('PATCH', `/schedules/${created.body.id}`, { cron: '*/5 * * * *', missedRunPolicy: 'catch_up_once' });
    expect(edited.status).toBe(200);
    expect(new Date(edited.body.nextRunAt).getTime() - Date.now()).toBeLessThanOrEqual(5 * 60_000);
    expect((await call('PATCH', '/schedules/nightly', { enabled: false })).body.nextRunAt).toBeNull();

    const now = await call('POST', '/schedules/nightly/run');
    expect(now.status).toBe(202);
    expect(now.body).toMatchObject({ status: 'queued', scheduleId: created.body.id, scheduledFor: null, job: 'retention' });
    await waitUntil(async () => (await call('GET', `/batch-runs/${now.body.id}`)).body.status === 'succeeded', 10_000);
    const done = (await call('GET', `/batch-runs/${now.body.id}`)).body;
    expect(done).toMatchObject({ rowErrors: 0, total: 0, processed: 0, result: { dryRun: true, status: 'done' }, etaSeconds: null });
    expect((await call('GET', `/batch-runs?scheduleId=${created.body.id}&status=succeeded`)).body.items.map((r: { id: string }) => r.id)).toEqual([now.body.id]);
    expect((await call('GET', '/batch-runs?status=exploded')).body.code).toBe('INVALID_INPUT');
    expect((await call('POST', `/batch-runs/${now.body.id}/cancel`)).body.code).toBe('RUN_NOT_CANCELLABLE');
    expect((await call('GET', `/batch-runs/${now.body.id}`, undefined, otherKey)).status).toBe(404);

    expect((await call('DELETE', '/schedules/nightly')).status).toBe(204);
    expect((await call('GET', '/schedules/nightly')).body.code).toBe('SCHEDULE_NOT_FOUND');
    // The run stays as history.
    expect((await call('GET', `/batch-runs/${now.body.id}`)).body.scheduleId).toBeNull();
  });

  it('starts a job by hand, pages its row errors, and cancels a run another replica holds', async () => {
    const started = await call('POST', '/batch-runs', { job: 'retention', params: { dryRun: true } });
    expect(started.status).toBe(202);
    await db.prisma.batchRowError.createMany({ data: [1, 2, 3].map((row) => ({ runId: started.body.id, row, code: 'BAD_ROW', message: `row ${row} is bad` })) });
    const page1 = await call('GET', `/batch-runs/${started.body.id}/errors?limit=2`);
    expect(page1.body).toEqual({ items: [expect.objectContaining({ row: 1 }), expect.objectContaining({ row: 2 })], nextAfter: 2 });
    expect((await call('GET', `/batch-runs/${started.body.id}/errors?after=2&limit=2`)).body).toEqual({ items: [expect.objectContaining({ row: 3, code: 'BAD_ROW' })], nextAfter: null });
    expect((await call('GET', `/batch-runs/${started.body.id}`)).body.rowErrors).toBe(3);
    expect((await call('POST', '/batch-runs', { job: 'retention', params: { dryRun: 1 } })).body.code).toBe('INVALID_PARAMS');

    // A run another replica holds (fresh heartbeat, so this leader leaves it alone): cancelled at once; its runner
    // sees it at the next heartbeat.
    const run = await db.prisma.batchRun.create({ data: { tenantId: TENANT, job: 'retention', params: {}, status: 'running', leaseOwner: 'elsewhere', heartbeatAt: new Date(Date.now() + 60_000) } });
    const cancelled = await call('POST', `/batch-runs/${run.id}/cancel`);
    expect([cancelled.status, cancelled.body.status, cancelled.body.error]).toEqual([202, 'cancelled', { code: 'CANCELLED', message: 'cancelled by an operator' }]);
    expect((await call('POST', `/batch-runs/${run.id}/cancel`, undefined, otherKey)).status).toBe(404);
    expect((await call('POST', '/batch-runs/not-a-uuid/cancel')).body.code).toBe('RUN_NOT_FOUND');
  });
});
