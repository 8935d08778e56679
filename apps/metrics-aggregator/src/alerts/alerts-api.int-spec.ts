import { MemoryBroker, MemoryTransport, toOutgoing } from '@junction/messaging';
import { ApiKeyService } from '@junction/webhooks';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { metricsAggregator } from '../app.definition';
import { envSchema } from '../config/env';
import { callRecord } from '../testing/call-records.fixture';

const TENANT = 'tenant-alerts-api';

/**
 * The app as it runs (startApp, memory bus, a 1-second evaluation interval): call records published on the bus →
 * metric windows → the evaluation loop fires → ops.alert.fired relayed to ops.alerts; the admin API and /metrics.
 */
describe('alerts API and evaluation loop (metrics-aggregator, real Postgres, memory bus)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let key: string;
  const broker = new MemoryBroker();
  const publisher = new MemoryTransport(broker);
  const api = (path: string, init: RequestInit = {}, auth = true) =>
    fetch(`${app.url}${path}`, { ...init, headers: { 'content-type': 'application/json', ...(auth ? { authorization: `Bearer ${key}` } : {}), ...(init.headers ?? {}) } });

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = parseEnv(envSchema, { DATABASE_URL: db.url, HOST: '127.0.0.1', LOG_LEVEL: 'silent', ALERT_EVAL_INTERVAL_SECONDS: '1', HEALTH_CHECKS_ENABLED: 'false' }, 'metrics-aggregator');
    app = await startApp(metricsAggregator, env, { bus: new MemoryTransport(broker), port: 0 });
    await publisher.connect();
    ({ key } = await app.app.get(ApiKeyService).create({ tenantId: TENANT, actor: 'test' }, { name: 'alerts reader', scopes: ['admin'] }));
  }, 60_000);

  afterAll(async () => {
    await publisher.close();
    await app?.stop();
    await db?.drop();
  }, 30_000);

  it('fires from published call records, relays ops.alert.fired, and shows it in GET /alerts, GET /alerts/:id and /metrics', async () => {
    const now = Date.now();
    const calls = Array.from({ length: 3 }, (_, i) => callRecord(TENANT, { latencyMs: 80, outcome: 'auth', httpStatus: 401, provider: 'crm', occurredAt: new Date(now + i).toISOString() }));
    await publisher.publish(calls.map((m) => toOutgoing(m)));
    await waitUntil(async () => (await db.prisma.alert.count({ where: { tenantId: TENANT, rule: 'auth_failures', status: 'firing' } })) === 1, 15_000, 'the loop to fire auth_failures');
    await waitUntil(async () => (await app.bus.peekUnrouted('ops.alerts', 10)).messages.some((m) => m.type === 'ops.alert.fired'), 10_000, 'ops.alert.fired on ops.alerts');

    const list = await api('/alerts?status=firing');
    expect(list.status).toBe(200);
    const { items } = (await list.json()) as { items: Array<Record<string, unknown>> };
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ tenantId: TENANT, rule: 'auth_failures', subject: 'crm/conn-a', status: 'firing', severity: 'critical', value: 3, threshold: 1 });
    expect(items[0]).not.toHaveProperty('openKey');
    const one = await api(`/alerts/${String(items[0]!.id)}`);
    expect(await one.json()).toMatchObject({ id: items[0]!.id, deliveries: [] });
    expect((await api('/alerts?status=resolved')).status).toBe(200);
    expect(((await (await api('/alerts?status=resolved')).json()) as { items: unknown[] }).items).toEqual([]);

    const metrics = await (await fetch(`${app.url}/metrics`)).text();
    expect(metrics).toMatch(/junction_alerts_firing\{rule="auth_failures",severity="critical"\} 1/);
    expect(metrics).toMatch(/junction_alerts_firing\{rule="breaker_open",severity="critical"\} 0/);
  });

  it('answers bad input with stable codes and refuses callers without an admin key', async () => {
    expect((await api('/alerts')).status).toBe(200);
    expect((await api('/alerts', {}, false)).status).toBe(401);
    expect((await api('/alert-rules', {}, false)).status).toBe(401);
    const badQuery = await api('/alerts?status=open');
    expect(badQuery.status).toBe(400);
    expect(await badQuery.json()).toMatchObject({ code: 'INVALID_QUERY' });
    const missing = await api('/alerts/00000000-0000-4000-8000-000000000000');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'ALERT_NOT_FOUND' });
    const badParams = await api('/alert-rules/error_rate', { method: 'PUT', body: JSON.stringify({ params: { threshold: 'high' } }) });
    expect(badParams.status).toBe(400);
    expect(await badParams.json()).toMatchObject({ code: 'ALERT_RULE_INVALID' });
    const unknown = await api('/alert-rules/disk_full', { method: 'PUT', body: JSON.stringify({ enabled: false }) });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ code: 'ALERT_RULE_UNKNOWN' });
  });

  it('GET /alert-rules lists every rule with defaults; PUT sets overrides and enabled for the key\'s tenant only', async () => {
    const put = await api('/alert-rules/error_rate', { method: 'PUT', body: JSON.stringify({ enabled: false, params: { threshold: 0.25, minCalls: 50 } }) });
    expect(put.status).toBe(200);
    expect(await put.json()).toMatchObject({ rule: 'error_rate', enabled: false, overrides: { threshold: 0.25, minCalls: 50 }, effective: { windowMinutes: 5, threshold: 0.25, minCalls: 50 } });
    const { items } = (await (await api('/alert-rules')).json()) as { items: Array<{ rule: string; enabled: boolean; defaults: Record<string, unknown>; overrides: Record<string, unknown> }> };
    expect(items.map((r) => r.rule)).toEqual(['failures_burst', 'error_rate', 'avg_latency', 'auth_failures', 'breaker_open', 'rate_limited', 'reauth_required', 'dead_letters_growing']);
    expect(items.find((r) => r.rule === 'error_rate')).toMatchObject({ enabled: false, defaults: { threshold: 0.1, minCalls: 10 }, overrides: { threshold: 0.25, minCalls: 50 } });
    expect(items.find((r) => r.rule === 'failures_burst')).toMatchObject({ enabled: true, overrides: {}, defaults: { threshold: 5, windowMinutes: 5 } });
    expect(await db.prisma.alertRule.findMany({ select: { tenantId: true, rule: true, enabled: true } })).toEqual([{ tenantId: TENANT, rule: 'error_rate', enabled: false }]);
    // params: {} puts the defaults back.
    expect(await (await api('/alert-rules/error_rate', { method: 'PUT', body: JSON.stringify({ params: {} }) })).json()).toMatchObject({ enabled: false, overrides: {}, effective: { threshold: 0.1 } });
  });
});
