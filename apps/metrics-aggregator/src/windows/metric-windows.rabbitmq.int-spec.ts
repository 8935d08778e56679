import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { createBus, toOutgoing, type MessageBus } from '@junction/messaging';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { createTestDatabase, rabbitMqReachable, testRabbitMqUrl, waitUntil, type TestDatabase } from '@junction/testing';
import { metricsAggregator } from '../app.definition';
import { envSchema } from '../config/env';
import { callRecord, latencies } from '../testing/call-records.fixture';

const describeIfBroker = rabbitMqReachable('the metrics-aggregator RabbitMQ int-spec', testRabbitMqUrl) ? describe : describe.skip;

/**
 * The same consumer on RabbitMQ (the app's real subscription queue, bound by the contract topology): a record
 * published twice (RabbitMQ has no duplicate detection) is counted once. A tenant of its own, since the queue is
 * shared with whatever else publishes integration.calls on this broker.
 */
describeIfBroker('metric windows (metrics-aggregator, real Postgres, RabbitMQ)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let publisher: MessageBus;
  const tenant = `tenant-rmq-${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = parseEnv(envSchema, { DATABASE_URL: db.url, HOST: '127.0.0.1', LOG_LEVEL: 'silent', BUS: 'rabbitmq', RABBITMQ_URL: testRabbitMqUrl }, 'metrics-aggregator');
    app = await startApp(metricsAggregator, env, { port: 0 });
    publisher = createBus({ transport: 'rabbitmq', url: testRabbitMqUrl, connectionName: 'metrics-int-spec-publisher', maxMessageBytes: 262_144 }, new Logger('publisher'));
    await publisher.connect();
  }, 60_000);

  afterAll(async () => {
    await publisher?.close();
    await app?.stop();
    await db?.drop();
  }, 30_000);

  it('counts 400 records published through the broker, each once though 100 were published twice', async () => {
    const at = Date.parse('2026-02-01T08:15:00Z');
    const records = latencies(400, 9).map((latencyMs, i) => callRecord(tenant, { latencyMs, occurredAt: new Date(at + i * 100).toISOString(), ...(i % 8 === 0 ? { outcome: 'network' as const } : {}) }));
    await publisher.publish(records.map((m) => toOutgoing(m)));
    await publisher.publish(records.slice(0, 100).map((m) => toOutgoing(m)));
    const windows = () => db.prisma.metricWindow.findMany({ where: { tenantId: tenant }, orderBy: [{ windowSize: 'asc' }, { windowStart: 'asc' }] });
    await waitUntil(async () => (await windows()).find((w) => w.windowSize === '1h')?.total === 400, 30_000, 'the hour window to hold 400 calls');
    // Let the duplicates arrive too, then check nothing counted twice.
    await waitUntil(async () => /junction_metrics_aggregator_records_total\{result="duplicate"\} 100\b/.test(await (await fetch(`${app.url}/metrics`)).text()), 30_000, '100 duplicates seen');
    const rows = await windows();
    expect(rows.map((r) => [r.windowSize, r.windowStart.toISOString(), r.total, r.failed, r.uptimePct])).toEqual([
      ['1h', '2026-02-01T08:00:00.000Z', 400, 50, 87.5],
      ['1m', '2026-02-01T08:15:00.000Z', 400, 50, 87.5],
    ]);
  });
});
