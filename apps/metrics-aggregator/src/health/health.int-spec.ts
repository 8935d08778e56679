import { randomBytes } from 'node:crypto';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { ConnectionService } from '@junction/integrations';
import { MemoryBroker, MemoryTransport } from '@junction/messaging';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, type TestDatabase, waitUntil } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { metricsAggregator } from '../app.definition';
import { envSchema } from '../config/env';
import { HealthCheckScheduler } from './health-check.scheduler';

const A = { tenantId: 'health-a', actor: 'admin:test' };
const B = { tenantId: 'health-b', actor: 'admin:test' };
// The sandbox accepts exactly this pair; the marker must show up nowhere an operator can read.
const KEY = 'erp-key-PLAINTEXT-h';
const SECRET = 'erp-secret-PLAINTEXT-h';
const MARKER = 'PLAINTEXT';

/**
 * metrics-aggregator's scheduled connection checks over a real Postgres and the ERPNext sandbox (fault injection):
 * status transitions, the health_changed events, two replicas, the tenant-scoped API and the Prometheus gauge.
 * The loop's timer is off (HEALTH_CHECKS_ENABLED=false); each test polls the schedulers itself.
 */
describe('connection health (metrics-aggregator, real Postgres, ERPNext sandbox)', () => {
  let db: TestDatabase;
  let sandbox: ErpNextSandbox;
  let url: string;
  const apps: RunningApp[] = [];
  let connections: ConnectionService;
  let scheduler: HealthCheckScheduler;
  let kek: string;

  const env = (dbUrl: string, kek: string) =>
    parseEnv(envSchema, { DATABASE_URL: dbUrl, HOST: '127.0.0.1', LOG_LEVEL: 'silent', JUNCTION_KEK: kek, HEALTH_CHECKS_ENABLED: 'false', HEALTH_CHECK_CONCURRENCY: '8' }, 'metrics-aggregator');
  const connect = async (tenant: typeof A, name: string, secret = SECRET) => {
    const view = await connections.create(tenant, { type: 'erpnext', name, config: { baseUrl: url, timeoutMs: 2_000 }, credential: { apiKey: KEY, apiSecret: secret } });
    await connections.connect(tenant, view.id);
    return view.id;
  };
  /** Makes the connection due and runs one scheduler round to completion. */
  const checkNow = async (id: string, on = scheduler) => {
    await db.prisma.$executeRawUnsafe(`UPDATE "connection" SET "nextHealthCheckAt" = NULL WHERE id = $1::uuid`, id);
    await on.poll();
    await on.idle();
    return db.prisma.connection.findUniqueOrThrow({ where: { id } });
  };
  const changes = async (id: string) =>
    (await db.prisma.connectionEvent.findMany({ where: { connectionId: id, type: 'health_changed' }, orderBy: { occurredAt: 'asc' } })).map((e) => e.detail as { from: string; to: string; reasons: Array<{ code: string }> });

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = new ErpNextSandbox({ apiKey: KEY, apiSecret: SECRET });
    ({ url } = await sandbox.start(0));
    kek = formatKeyEntry('k1', randomBytes(32));
    for (let i = 0; i < 2; i++) apps.push(await startApp(metricsAggregator, env(db.url, kek), { bus: new MemoryTransport(new MemoryBroker()), port: 0 }));
    connections = apps[0]!.app.get(ConnectionService);
    scheduler = apps[0]!.app.get(HealthCheckScheduler);
  }, 60_000);

  afterEach(() => sandbox.faults.clear());

  afterAll(async () => {
    for (const app of apps) await app.stop();
    await sandbox?.stop();
    await db?.drop();
  }, 30_000);

  it('a working connection becomes healthy; 5xx makes it degraded then down; recovery makes it healthy again', async () => {
    const id = await connect(A, 'erp main');
    const before = Date.now();
    let row = await checkNow(id);
    expect(row).toMatchObject({ healthStatus: 'healthy', status: 'connected' });
    expect(row.nextHealthCheckAt!.getTime()).toBeGreaterThan(before + 300_000 * 0.9 - 1_000);
    expect(row.nextHealthCheckAt!.getTime()).toBeLessThan(Date.now() + 300_000 * 1.1 + 1_000);

    sandbox.faults.set({ errorRatio: 1, errorStatus: 503 });
    row = await checkNow(id);
    expect(row).toMatchObject({ healthStatus: 'degraded', status: 'error' });
    row = await checkNow(id);
    expect(row).toMatchObject({ healthStatus: 'down', status: 'error' });

    // Closed: the connection is reset without an answer.
    sandbox.faults.clear();
    sandbox.faults.set({ resetRatio: 1 });
    expect(await checkNow(id)).toMatchObject({ healthStatus: 'down' });

    sandbox.faults.clear();
    row = await checkNow(id);
    expect(row).toMatchObject({ healthStatus: 'healthy', status: 'connected', lastError: null });
    expect(await changes(id)).toEqual([
      { from: 'unknown', to: 'healthy', reasons: [] },
      { from: 'healthy', to: 'degraded', reasons: [expect.objectContaining({ code: 'CHECK_FAILED' })] },
      { from: 'degraded', to: 'down', reasons: [expect.objectContaining({ code: 'CHECKS_FAILING' })] },
      { from: 'down', to: 'healthy', reasons: [] },
    ]);
    // The connect test plus five scheduled checks, all in the history.
    expect(await db.prisma.connectionHealth.count({ where: { connectionId: id } })).toBe(6);
  });

  it('a wrong secret is down at the first check, with an authentication reason', async () => {
    const id = await connect(A, 'erp wrong key', 'wrong-secret-PLAINTEXT');
    expect(await checkNow(id)).toMatchObject({ healthStatus: 'down', status: 'error' });
    expect(await changes(id)).toEqual([{ from: 'unknown', to: 'down', reasons: [expect.objectContaining({ code: 'AUTH_FAILED' }), expect.objectContaining({ code: 'CHECKS_FAILING' })] }]);
    // The admin API's GET /admin/connections/:id/health and the CLI read the same status through ConnectionService.
    const view = await connections.health(A, id);
    expect(view.status).toEqual({ status: 'down', since: expect.any(Date), reasons: [expect.objectContaining({ code: 'AUTH_FAILED', message: expect.stringContaining('rejected') }), expect.objectContaining({ code: 'CHECKS_FAILING' })] });
    const overview = await connections.healthOverview(A);
    expect(overview.find((c) => c.id === id)).toMatchObject({ name: 'erp wrong key', status: 'error', health: { status: 'down', reasons: [{ code: 'AUTH_FAILED' }, { code: 'CHECKS_FAILING' }] } });
    expect(overview.find((c) => c.name === 'erp main')).toMatchObject({ status: 'connected', health: { status: 'healthy', reasons: [] } });
  });

  it('the connection’s metric windows degrade it (error rate over the threshold), and only that connection', async () => {
    const id = await connect(A, 'erp busy');
    const windowStart = new Date(Math.floor(Date.now() / 60_000) * 60_000);
    await db.prisma.metricWindow.create({
      data: {
        windowSize: '1m', windowStart, tenantId: A.tenantId, provider: 'erpnext', connection: id, operation: 'customer.create',
        total: 40, successful: 28, failed: 12, unavailable: 12, errorRate: 0.3, uptimePct: 70, latencySumMs: 40 * 120, latencyMaxMs: 300,
        avgLatencyMs: 120, p95LatencyMs: 250, p99LatencyMs: 290, latencySketch: new Uint8Array(0),
      },
    });
    expect(await checkNow(id)).toMatchObject({ healthStatus: 'degraded', status: 'connected' });
    expect(await changes(id)).toEqual([{ from: 'unknown', to: 'degraded', reasons: [{ code: 'HIGH_ERROR_RATE', message: '30.0 % of 40 recent calls failed (threshold 10.0 %)' }] }]);
  });

  it('two replicas polling at the same time check each due connection exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) ids.push(await connect(A, `erp replica ${i}`));
    await db.prisma.$executeRawUnsafe(`UPDATE "connection" SET "nextHealthCheckAt" = now() + interval '1 hour'`);
    await db.prisma.$executeRawUnsafe(`UPDATE "connection" SET "nextHealthCheckAt" = NULL WHERE id = ANY($1::uuid[])`, ids);
    const since = new Date();
    sandbox.faults.set({ latencyMs: 30 });
    const second = apps[1]!.app.get(HealthCheckScheduler);
    let claimed = 0;
    for (let round = 0; round < 3; round++) {
      const counts = await Promise.all([scheduler.poll(), second.poll()]);
      claimed += counts[0] + counts[1];
      await Promise.all([scheduler.idle(), second.idle()]);
    }
    expect(claimed).toBe(12);
    const rows = await db.prisma.connectionHealth.groupBy({ by: ['connectionId'], where: { checkedAt: { gte: since } }, _count: { _all: true } });
    expect(rows.map((r) => [r.connectionId, r._count._all]).sort()).toEqual(ids.map((id) => [id, 1]).sort());
  });

  it('the running loop checks a due connection on its own, with no transaction open while the provider hangs; shutdown waits for that check', async () => {
    const id = await connect(A, 'erp hanging');
    await db.prisma.$executeRawUnsafe(`UPDATE "connection" SET "nextHealthCheckAt" = now() + interval '1 hour'`);
    const looping = await startApp(metricsAggregator, { ...env(db.url, kek), HEALTH_CHECKS_ENABLED: true, HEALTH_CHECK_POLL_MS: 100 }, { bus: new MemoryTransport(new MemoryBroker()), port: 0 });
    try {
      sandbox.faults.set({ hang: true });
      const before = sandbox.requests.length;
      await db.prisma.$executeRawUnsafe(`UPDATE "connection" SET "nextHealthCheckAt" = NULL WHERE id = $1::uuid`, id);
      await waitUntil(async () => sandbox.requests.length > before, 5_000, 'the scheduled check to reach the sandbox');
      // A transaction around the hanging probe would sit idle since the request left; the app's other loops (outbox relay,
      // alert deliveries) open transactions of a few ms, which a bare count catches now and then (a CI run did).
      await new Promise((resolve) => setTimeout(resolve, 600));
      const [open] = await db.prisma.$queryRawUnsafe<Array<{ n: number }>>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%' AND state_change < now() - interval '400 milliseconds'`,
      );
      expect(open!.n).toBe(0);
    } catch (error) {
      // A failed assertion must not leave the app's loops running: they would keep Jest from exiting.
      await looping.stop();
      throw error;
    }
    // Stopping waits for the check in flight: the probe gives up after the connection's 2 s and the result is recorded.
    await looping.stop();
    const last = await db.prisma.connectionHealth.findFirstOrThrow({ where: { connectionId: id }, orderBy: { checkedAt: 'desc' } });
    expect(last).toMatchObject({ ok: false, errorClass: 'timeout' });
    expect(await db.prisma.connection.findUniqueOrThrow({ where: { id } })).toMatchObject({ healthStatus: 'degraded', status: 'error' });
  }, 20_000);

  it('GET /health/connections answers the key’s tenant’s connections only; another tenant’s is 404 CONNECTION_NOT_FOUND', async () => {
    const idB = await connect(B, 'erp of b');
    await checkNow(idB);
    const keys = apps[0]!.app.get(ApiKeyService);
    const { key: keyA } = await keys.create({ tenantId: A.tenantId, actor: 'test' }, { name: 'a', scopes: ['admin'] });
    const { key: keyB } = await keys.create({ tenantId: B.tenantId, actor: 'test' }, { name: 'b', scopes: ['admin'] });
    const get = async (path: string, key?: string) => {
      const res = await fetch(`${apps[0]!.url}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });
      return { status: res.status, body: (await res.json()) as Record<string, any> };
    };

    const listB = await get('/health/connections', keyB);
    expect(listB.status).toBe(200);
    expect(listB.body.items).toEqual([
      expect.objectContaining({
        id: idB, name: 'erp of b', provider: 'erpnext', connectionStatus: 'connected', status: 'healthy', reasons: [],
        lastCheck: expect.objectContaining({ ok: true }), checks: expect.objectContaining({ count: 2, ok: 2, uptimeRatio: 1 }), windows: expect.objectContaining({ calls: 0, errorRate: null }),
      }),
    ]);
    const listA = await get('/health/connections', keyA);
    expect(listA.body.items.length).toBeGreaterThanOrEqual(15);
    expect(listA.body.items.every((i: { id: string }) => i.id !== idB)).toBe(true);
    const degraded = listA.body.items.find((i: { name: string }) => i.name === 'erp busy');
    expect(degraded).toMatchObject({ status: 'degraded', reasons: [{ code: 'HIGH_ERROR_RATE' }], windows: { minutes: 15, calls: 40, failed: 12, errorRate: 0.3, avgLatencyMs: 120 } });

    const main = listA.body.items.find((i: { name: string }) => i.name === 'erp main');
    const detail = await get(`/health/connections/${main.id}?limit=2`, keyA);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ status: 'healthy', checks: { count: 6, ok: 3 }, history: { items: [{ ok: true }, { ok: false, errorClass: 'unreachable' }] } });
    expect(detail.body.history.nextBefore).toEqual(expect.any(String));
    expect(detail.body.changes.map((c: { to: string }) => c.to)).toEqual(['healthy', 'down', 'degraded', 'healthy']);
    expect(detail.body.checks.uptimeRatio).toBe(0.5);

    expect(await get(`/health/connections/${idB}`, keyA)).toEqual({ status: 404, body: expect.objectContaining({ code: 'CONNECTION_NOT_FOUND' }) });
    expect(await get('/health/connections/not-a-uuid', keyA)).toEqual({ status: 404, body: expect.objectContaining({ code: 'CONNECTION_NOT_FOUND' }) });
    expect(await get(`/health/connections/${idB}?limit=0`, keyB)).toEqual({ status: 400, body: expect.objectContaining({ code: 'INVALID_QUERY' }) });
    expect((await get('/health/connections')).status).toBe(401);
    expect(JSON.stringify([listA, listB, detail])).not.toContain(MARKER);
  });

  it('GET /metrics has junction_connection_health: 1 for the current status of each connection', async () => {
    const wrong = await db.prisma.connection.findFirstOrThrow({ where: { name: 'erp wrong key' } });
    const text = await (await fetch(`${apps[1]!.url}/metrics`)).text();
    const series = (status: string) => `junction_connection_health{tenant="health-a",provider="erpnext",connection="${wrong.id}",name="erp wrong key",status="${status}"}`;
    expect(text).toContain(`${series('down')} 1`);
    expect(text).toContain(`${series('healthy')} 0`);
    // Nothing an operator reads holds the secret: events, health rows, connections.
    const stored = await Promise.all([db.prisma.connectionEvent.findMany(), db.prisma.connectionHealth.findMany(), db.prisma.connection.findMany()]);
    expect(JSON.stringify(stored) + text).not.toContain(MARKER);
  });
});
