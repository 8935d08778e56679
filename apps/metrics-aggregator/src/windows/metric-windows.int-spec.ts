import { MemoryBroker, MemoryTransport, toOutgoing } from '@junction/messaging';
import { ApiKeyService } from '@junction/webhooks';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { metricsAggregator } from '../app.definition';
import { envSchema } from '../config/env';
import { callRecord, exactQuantile, latencies } from '../testing/call-records.fixture';
import { SKETCH_RELATIVE_ACCURACY } from './latency-sketch';
import { MetricWindowRepository } from './metric-window.repository';
import { foldCalls } from './window-aggregate';

const TENANT = 'tenant-metrics';
const MINUTE_1 = Date.parse('2026-01-01T10:03:00.000Z');
const MINUTE_2 = MINUTE_1 + 60_000;

/** metrics-aggregator (startApp, memory bus) over a real Postgres: call records in, metric_window rows out. */
describe('metric windows (metrics-aggregator, real Postgres, memory bus)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  const broker = new MemoryBroker();
  const publisher = new MemoryTransport(broker);
  const windows = (windowSize: '1m' | '1h') => db.prisma.metricWindow.findMany({ where: { tenantId: TENANT, windowSize }, orderBy: { windowStart: 'asc' } });

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = parseEnv(envSchema, { DATABASE_URL: db.url, HOST: '127.0.0.1', LOG_LEVEL: 'silent' }, 'metrics-aggregator');
    app = await startApp(metricsAggregator, env, { bus: new MemoryTransport(broker), port: 0 });
    await publisher.connect();
  }, 60_000);

  afterAll(async () => {
    await publisher.close();
    await app?.stop();
    await db?.drop();
  }, 30_000);

  it('folds a burst across two minutes into 1-minute and 1-hour rows; duplicates count once', async () => {
    // Minute 1: 200 calls, every 10th a 503. Minute 2: 100 calls, every 4th a timeout, every 25th (unless a timeout) a 422: a client error, not downtime.
    const l1 = latencies(200, 1);
    const l2 = latencies(100, 2);
    const first = l1.map((latencyMs, i) =>
      callRecord(TENANT, { latencyMs, occurredAt: new Date(MINUTE_1 + i * 250).toISOString(), ...(i % 10 === 9 ? { outcome: 'server', httpStatus: 503 } : {}) }),
    );
    const second = l2.map((latencyMs, i) =>
      callRecord(TENANT, {
        latencyMs,
        occurredAt: new Date(MINUTE_2 + i * 500).toISOString(),
        ...(i % 4 === 3 ? { outcome: 'timeout' as const } : i % 25 === 0 ? { outcome: 'validation' as const, httpStatus: 422 } : {}),
      }),
    );
    const all = [...first, ...second];
    await publisher.publish(all.map((m) => toOutgoing(m)));
    // Every record again (a redelivery, a producer retry): counted once.
    await publisher.publish(all.slice(0, 150).map((m) => toOutgoing(m)));
    await waitUntil(async () => (await windows('1h'))[0]?.total === 300, 20_000, 'the hour window to hold 300 calls');
    await waitUntil(async () => (await db.prisma.processedMessage.count({ where: { consumer: 'metrics-aggregator' } })) === 300, 5_000, 'the marks');
    await new Promise((r) => setTimeout(r, 300));

    const [m1, m2] = await windows('1m');
    expect(m1).toMatchObject({ windowStart: new Date(MINUTE_1), provider: 'erpnext', connection: 'conn-a', operation: 'customer.create', total: 200, successful: 180, failed: 20, unavailable: 20, errorRate: 0.1, uptimePct: 90, lastErrorCode: 'server', lastErrorStatus: 503 });
    expect(m1!.lastErrorMessage).toBe('server failure (HTTP 503) on attempt 1');
    expect(m1!.lastErrorAt).toEqual(new Date(MINUTE_1 + 199 * 250));
    expect(m1!.lastSuccessAt).toEqual(new Date(MINUTE_1 + 198 * 250));
    expect(m2).toMatchObject({ windowStart: new Date(MINUTE_2), total: 100, successful: 72, failed: 28, unavailable: 25, errorRate: 0.28, uptimePct: 75, lastErrorCode: 'timeout' });
    const [hour] = await windows('1h');
    expect(hour).toMatchObject({ windowStart: new Date('2026-01-01T10:00:00.000Z'), total: 300, successful: 252, failed: 48, breakerState: 'closed' });
    expect(hour!.lastErrorAt).toEqual(new Date(MINUTE_2 + 99 * 500));

    for (const [row, values] of [[m1!, l1], [m2!, l2], [hour!, [...l1, ...l2]]] as const) {
      expect(row.avgLatencyMs).toBeCloseTo(values.reduce((a, b) => a + b, 0) / values.length, 6);
      expect(row.latencyMaxMs).toBe(Math.max(...values));
      for (const [q, got] of [[0.95, row.p95LatencyMs], [0.99, row.p99LatencyMs]] as const) {
        const exact = exactQuantile(values, q);
        expect(Math.abs(got - exact) / exact).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
      }
    }
  });

  it('GET /metrics exposes the trailing range as gauges (calls, error ratio, merged-sketch quantiles, breaker) with the process metrics', async () => {
    const values = latencies(120, 3);
    const at = Date.now() - 30_000;
    const calls = values.map((latencyMs, i) =>
      callRecord('tenant-prom', { provider: 'reddit', connection: 'conn-r', operation: 'search', latencyMs, occurredAt: new Date(at + i).toISOString(), ...(i % 6 === 0 ? { outcome: 'rate_limit' as const, httpStatus: 429 } : {}), breakerState: i === 119 ? 'half-open' : 'closed' }),
    );
    await publisher.publish(calls.map((m) => toOutgoing(m)));
    await waitUntil(async () => (await db.prisma.metricWindow.aggregate({ _sum: { total: true }, where: { tenantId: 'tenant-prom', windowSize: '1m' } }))._sum.total === 120, 20_000, 'the prom windows');

    const response = await fetch(`${app.url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    const labels = 'tenant="tenant-prom",provider="reddit",connection="conn-r",operation="search"';
    const sample = (name: string, extra = '') => {
      const line = text.split('\n').find((l) => l.startsWith(`${name}{${labels}${extra}} `));
      if (!line) throw new Error(`no ${name}{${labels}${extra}} in /metrics`);
      return Number(line.slice(line.lastIndexOf(' ') + 1));
    };
    expect(sample('junction_integration_calls', ',outcome="success"')).toBe(100);
    expect(sample('junction_integration_calls', ',outcome="failure"')).toBe(20);
    expect(sample('junction_integration_error_ratio')).toBeCloseTo(20 / 120, 9);
    expect(sample('junction_integration_uptime_ratio')).toBe(1);
    expect(sample('junction_integration_calls_per_second')).toBeCloseTo(120 / 300, 9);
    const exact = exactQuantile(values, 0.95);
    expect(Math.abs(sample('junction_integration_latency_ms', ',quantile="0.95"') - exact) / exact).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
    expect(sample('junction_integration_breaker_state', ',state="half-open"')).toBe(1);
    expect(sample('junction_integration_breaker_state', ',state="open"')).toBe(0);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^junction_metrics_aggregator_records_total\{result="duplicate"\} 150$/m);
    // Windows outside the trailing range (the fixed 2026-01-01 ones) are not in the gauges.
    expect(text).not.toContain('tenant="tenant-metrics"');
  });

  it('GET /metrics/integrations returns the tenant\'s windows for an admin key; 401 without, 400 for a bad window', async () => {
    const { key } = await app.app.get(ApiKeyService).create({ tenantId: TENANT, actor: 'test' }, { name: 'metrics reader', scopes: ['admin'] });
    const get = (query: string, auth = true) => fetch(`${app.url}/metrics/integrations?${query}`, { headers: auth ? { authorization: `Bearer ${key}` } : {} });
    const response = await get('provider=erpnext&connection=conn-a&window=1m&from=2026-01-01T10:00:00Z&to=2026-01-01T11:00:00Z');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { window: string; items: Record<string, unknown>[] };
    expect(body.window).toBe('1m');
    expect(body.items.map((i) => [i.windowStart, i.total, i.errorRate])).toEqual([
      ['2026-01-01T10:03:00.000Z', 200, 0.1],
      ['2026-01-01T10:04:00.000Z', 100, 0.28],
    ]);
    expect(body.items[0]).not.toHaveProperty('latencySketch');
    expect(body.items[0]).toMatchObject({ p95LatencyMs: expect.any(Number), uptimePct: 90, lastErrorCode: 'server' });
    const hours = (await (await get('window=1h&from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z')).json()) as { items: unknown[] };
    expect(hours.items).toHaveLength(1);
    // Another tenant's rows (tenant-prom) never show.
    expect(((await (await get('provider=reddit&from=2020-01-01T00:00:00Z')).json()) as { items: unknown[] }).items).toEqual([]);
    expect((await get('window=1m', false)).status).toBe(401);
    const bad = await get('window=5m');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ code: 'INVALID_QUERY' });
  });

  it('two replicas merging into the same rows at once lose nothing (row lock, read-merge-write)', async () => {
    const repo = new MetricWindowRepository(db.prisma);
    const at = Date.parse('2026-01-01T11:00:10.000Z');
    const batches = Array.from({ length: 6 }, (_, b) => latencies(50, 100 + b).map((latencyMs, i) => callRecord('tenant-race', { latencyMs, occurredAt: new Date(at + i * 10).toISOString() })));
    await Promise.all(
      batches.map((batch) =>
        repo.applyBatch('race-replica', batch.map((m) => m.id), (fresh) => foldCalls(batch.filter((m) => fresh.has(m.id)).map((m) => ({ tenantId: m.tenantId, payload: m.payload })))),
      ),
    );
    const rows = await db.prisma.metricWindow.findMany({ where: { tenantId: 'tenant-race' }, orderBy: { windowSize: 'asc' } });
    expect(rows.map((r) => [r.windowSize, r.total])).toEqual([['1h', 300], ['1m', 300]]);
    const values = batches.flat().map((m) => m.payload.latencyMs);
    expect(Math.abs(rows[0]!.p99LatencyMs - exactQuantile(values, 0.99)) / exactQuantile(values, 0.99)).toBeLessThanOrEqual(SKETCH_RELATIVE_ACCURACY);
  });
});
