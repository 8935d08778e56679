import { CRM_SANDBOX_TOKEN, CrmSandbox, HubSpotClient } from '@junction/connectors/crm';
import { MemoryBroker, MemoryTransport } from '@junction/messaging';
import { BusCallObserver, parseEnv, startApp, type RunningApp } from '@junction/platform';
import { type CallAttemptRecord, type CallObserver, ResiliencePipelines } from '@junction/resilience';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { metricsAggregator } from '../app.definition';
import { envSchema } from '../config/env';
import { EvaluateAlertsHandler } from './usecases/evaluate-alerts/evaluate-alerts.handler';
import { SetAlertRuleHandler } from './usecases/set-alert-rule/set-alert-rule.handler';

const TENANT = 'tenant-alerts-sandbox';

/**
 * Real failures, end to end: the CRM sandbox answers 500, 429 and 401 (its fault injection and a wrong token), the
 * HubSpot client classifies them, the resilience pipeline (retries off, a small breaker) records every attempt, the
 * workers' BusCallObserver publishes integration.call.recorded on the memory bus, the running metrics-aggregator folds
 * them into metric_window, and its evaluator fires; an injected clock six minutes on resolves everything.
 */
describe('alerts from sandbox failures (CRM sandbox → pipeline → bus → metrics-aggregator, real Postgres)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  const broker = new MemoryBroker();
  const callBus = new MemoryTransport(broker);
  const sandbox = new CrmSandbox({ rateLimit: { max: 10_000 } });
  let observer: BusCallObserver;
  let attempts = 0;
  let pipelines: ResiliencePipelines;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = parseEnv(envSchema, { DATABASE_URL: db.url, HOST: '127.0.0.1', LOG_LEVEL: 'silent', ALERT_EVAL_INTERVAL_SECONDS: '0', HEALTH_CHECKS_ENABLED: 'false' }, 'metrics-aggregator');
    app = await startApp(metricsAggregator, env, { bus: new MemoryTransport(broker), port: 0 });
    await callBus.connect();
    await sandbox.start();
    observer = new BusCallObserver(callBus, TENANT);
    const counting: CallObserver = {
      onAttempt: (record: CallAttemptRecord) => {
        attempts++;
        observer.onAttempt(record);
      },
      onBreakerStateChange: () => undefined,
    };
    pipelines = new ResiliencePipelines({
      observer: counting,
      overrides: { crm: { retry: { maxAttempts: 1 }, breaker: { volumeThreshold: 4, errorThresholdPercentage: 50, rollingWindowMs: 60_000, resetTimeoutMs: 60_000 }, rateLimits: [] } },
    });
  }, 60_000);

  afterAll(async () => {
    pipelines?.close();
    await observer?.close();
    await sandbox.stop();
    await callBus.close();
    await app?.stop();
    await db?.drop();
  }, 30_000);

  const good = () => new HubSpotClient({ baseUrl: sandbox.url, token: CRM_SANDBOX_TOKEN, timeoutMs: 2_000 });
  const calls = async (connection: string, n: number, client = good()) => {
    for (let i = 0; i < n; i++) {
      await pipelines.run({ provider: 'crm', connection, operation: 'contact.find' }, (a) => client.findContactByEmail('ada@example.com', undefined, a.requestOptions)).catch(() => undefined);
    }
  };
  const firedOn = async (type: string) =>
    (await app.bus.peekUnrouted('ops.alerts', 100)).messages
      .map((m) => ({ type: m.type, body: m.body as { tenantId: string; payload: { rule: string; subject: string } } }))
      .filter((m) => m.type === type && m.body.tenantId === TENANT)
      .map((m) => m.body.payload);

  it('500s open the breaker and burst, 429s hit the rate limit, a wrong token fails auth: each fires once, then resolves', async () => {
    sandbox.faults.set({ failNext: { count: 8, status: 500 } });
    await calls('srv', 8);
    sandbox.faults.set({ failNext: { count: 5, status: 429, retryAfter: 1 } });
    await calls('limited', 5);
    sandbox.faults.clear();
    await calls('badtoken', 2, new HubSpotClient({ baseUrl: sandbox.url, token: 'pat-na1-wrong', timeoutMs: 2_000 }));
    await observer.flush();
    await waitUntil(async () => (await db.prisma.processedMessage.count({ where: { consumer: 'metrics-aggregator' } })) === attempts, 10_000, 'every attempt in the windows');

    const windows = await db.prisma.metricWindow.findMany({ where: { tenantId: TENANT, windowSize: '1h' }, select: { connection: true, failed: true, lastErrorCode: true, breakerState: true } });
    expect(Object.fromEntries(windows.map((w) => [w.connection, [w.failed, w.lastErrorCode, w.breakerState]]))).toEqual({
      srv: [8, 'circuit_open', 'open'],
      limited: [5, 'rate_limit', 'closed'],
      badtoken: [2, 'auth', 'closed'],
    });

    const evaluate = app.app.get(EvaluateAlertsHandler);
    const now = Date.now();
    for (const offset of [0, 20_000, 40_000]) await evaluate.execute(new Date(now + offset));
    const open = await db.prisma.alert.findMany({ where: { tenantId: TENANT, status: 'firing' }, select: { rule: true, subject: true } });
    const expected = [
      { rule: 'auth_failures', subject: 'crm/badtoken' },
      { rule: 'breaker_open', subject: 'crm/srv' },
      { rule: 'failures_burst', subject: 'crm/srv' },
      { rule: 'rate_limited', subject: 'crm/limited' },
    ];
    const sorted = (xs: Array<{ rule: string; subject: string }>) => [...xs].map(({ rule, subject }) => ({ rule, subject })).sort((a, b) => `${a.rule}${a.subject}`.localeCompare(`${b.rule}${b.subject}`));
    expect(sorted(open)).toEqual(expected);
    await waitUntil(async () => (await firedOn('ops.alert.fired')).length === 4, 10_000, 'four ops.alert.fired relayed');
    expect(sorted(await firedOn('ops.alert.fired'))).toEqual(expected);

    // Six minutes on, the 5-minute windows hold none of it.
    await evaluate.execute(new Date(now + 6 * 60_000));
    await evaluate.execute(new Date(now + 7 * 60_000));
    expect(await db.prisma.alert.count({ where: { tenantId: TENANT, status: 'firing' } })).toBe(0);
    expect(await db.prisma.alert.count({ where: { tenantId: TENANT, status: 'resolved' } })).toBe(4);
    await waitUntil(async () => (await firedOn('ops.alert.resolved')).length === 4, 10_000, 'four ops.alert.resolved relayed');
    expect(sorted(await firedOn('ops.alert.resolved'))).toEqual(expected);
  });

  it("3 failures in 12 calls fire error_rate; slow answers fire avg_latency over the tenant's lowered threshold", async () => {
    const tenant = 'tenant-alerts-sandbox-2';
    const own = new BusCallObserver(callBus, tenant);
    const ownPipelines = new ResiliencePipelines({
      observer: { onAttempt: (r) => own.onAttempt(r), onBreakerStateChange: () => undefined },
      overrides: { crm: { retry: { maxAttempts: 1 }, rateLimits: [] } },
    });
    const before = await db.prisma.processedMessage.count({ where: { consumer: 'metrics-aggregator' } });
    try {
      // 5 s would take a minute of sandbox latency: the tenant lowers the rule to 200 ms, as an operator can.
      const put = await app.app.get(SetAlertRuleHandler).execute({ tenantId: tenant, actor: 'test' }, 'avg_latency', { params: { thresholdMs: 200 } });
      expect(put.effective).toMatchObject({ thresholdMs: 200, minCalls: 10 });
      const client = good();
      const run = async (connection: string, n: number) => {
        for (let i = 0; i < n; i++) {
          await ownPipelines.run({ provider: 'crm', connection, operation: 'contact.find' }, (a) => client.findContactByEmail('ada@example.com', undefined, a.requestOptions)).catch(() => undefined);
        }
      };
      await run('flaky', 9);
      sandbox.faults.set({ failNext: { count: 3, status: 503 } });
      await run('flaky', 3);
      sandbox.faults.set({ latencyMs: 300 });
      await run('slow', 10);
      sandbox.faults.clear();
      await own.flush();
      await waitUntil(async () => (await db.prisma.processedMessage.count({ where: { consumer: 'metrics-aggregator' } })) === before + 22, 10_000, 'the 22 attempts in the windows');

      const now = Date.now();
      const evaluate = app.app.get(EvaluateAlertsHandler);
      for (const offset of [0, 30_000]) await evaluate.execute(new Date(now + offset));
      const alerts = await db.prisma.alert.findMany({ where: { tenantId: tenant }, orderBy: { rule: 'asc' } });
      expect(alerts.map((a) => [a.rule, a.subject, a.status])).toEqual([
        ['avg_latency', 'crm/slow', 'firing'],
        ['error_rate', 'crm/flaky', 'firing'],
      ]);
      expect(alerts[1]!.value).toBe(0.25);
      expect(alerts[0]!.value).toBeGreaterThan(300);
      expect(alerts[0]!.threshold).toBe(200);
      await evaluate.execute(new Date(now + 6 * 60_000));
      expect(await db.prisma.alert.count({ where: { tenantId: tenant, status: 'resolved' } })).toBe(2);
    } finally {
      ownPipelines.close();
      await own.close();
    }
  });
});
