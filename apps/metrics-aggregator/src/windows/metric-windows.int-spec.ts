import { MemoryBroker, MemoryTransport, toOutgoing } from '@junction/messaging';
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
