import { randomBytes } from 'node:crypto';
import { createMessage } from '@junction/contracts';
import { LINKEDIN_SANDBOX_CLIENT, LinkedInSandbox } from '@junction/connectors/linkedin';
import { ConnectionService, defaultLinkedInVersion, OAuthFlowService } from '@junction/integrations';
import { DeadLetterAdmin, MemoryBroker, MemoryTransport, toOutgoing } from '@junction/messaging';
import { AuditEventRepository, DeadLetterRepository } from '@junction/persistence';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { erpWorker } from '../../../erp-worker/src/app.definition';
import { metricsAggregator } from '../app.definition';
import { envSchema } from '../config/env';
import { HealthCheckScheduler } from '../health/health-check.scheduler';
import { EvaluateAlertsHandler } from './usecases/evaluate-alerts/evaluate-alerts.handler';
import { SetAlertRuleHandler } from './usecases/set-alert-rule/set-alert-rule.handler';

const DAY = 86_400_000;
const REAUTH_TENANT = 'tenant-real-reauth';
const DLQ_TENANT = 'tenant-real-dlq';

/**
 * The two rules alert-rules.int-spec drives by writing rows, driven here the way they happen: a LinkedIn grant the
 * provider stops honouring (metrics-aggregator's own scheduled connection check → LinkedIn probe → 401 → the OAuth
 * token manager's refresh → invalid_grant → reauth_required), re-authorized through the OAuth flow with the sandbox;
 * and invalid commands on the bus that the running erp-worker dead-letters (mirrored with their tenant), redriven
 * through the tenant-scoped dead-letter admin. Real Postgres, one memory broker, the evaluator on an injected clock.
 */
describe('alerts from real conditions (OAuth refresh → reauth_required; erp-worker dead letters; real Postgres)', () => {
  const broker = new MemoryBroker();
  const outside = new MemoryTransport(broker);
  // The provider's clock: a test moves LinkedIn's time on (tokens expire there), not the evaluator's.
  let linkedInNow = Date.now();
  // Its API versions stay those of today: only the tokens age (the probe sends today's version).
  const linkedIn = new LinkedInSandbox({ now: () => new Date(linkedInNow), activeVersions: [defaultLinkedInVersion(new Date())] });
  const kek = formatKeyEntry('k1', randomBytes(32));
  let db: TestDatabase;
  let aggregator: RunningApp;
  let evaluate: EvaluateAlertsHandler;

  beforeAll(async () => {
    db = await createTestDatabase();
    await linkedIn.start();
    await outside.connect();
    const env = parseEnv(
      envSchema,
      { DATABASE_URL: db.url, HOST: '127.0.0.1', LOG_LEVEL: 'silent', JUNCTION_KEK: kek, ALERT_EVAL_INTERVAL_SECONDS: '0', HEALTH_CHECKS_ENABLED: 'false' },
      'metrics-aggregator',
    );
    aggregator = await startApp(metricsAggregator, env, { bus: new MemoryTransport(broker), port: 0 });
    evaluate = aggregator.app.get(EvaluateAlertsHandler);
  }, 60_000);

  afterAll(async () => {
    await aggregator?.stop();
    await outside.close();
    await linkedIn.stop();
    await db?.drop();
  }, 30_000);

  const alerts = (tenantId: string, rule: string) => db.prisma.alert.findMany({ where: { tenantId, rule }, orderBy: { firedAt: 'asc' } });
  /** The ops.alert.* messages the aggregator's outbox relayed onto the bus for this tenant and rule (alert ids). */
  const relayed = async (type: string, tenantId: string, rule: string) =>
    (await aggregator.bus.peekUnrouted('ops.alerts', 100)).messages
      .filter((m) => m.type === type)
      .map((m) => m.body as { tenantId: string; payload: { alertId: string; rule: string } })
      .filter((b) => b.tenantId === tenantId && b.payload.rule === rule)
      .map((b) => b.payload.alertId);
  const rounds = async (t0: number, offsets: number[]) => {
    for (const offset of offsets) await evaluate.execute(new Date(t0 + offset));
  };

  it('reauth_required: LinkedIn rejects the refresh token (invalid_grant) in a scheduled check → fires once; the OAuth flow again → resolves once', async () => {
    const who = { tenantId: REAUTH_TENANT, actor: 'admin:test' };
    const connections = aggregator.app.get(ConnectionService);
    const flow = aggregator.app.get(OAuthFlowService);
    const scheduler = aggregator.app.get(HealthCheckScheduler);
    const created = await connections.create(who, {
      type: 'linkedin',
      name: 'company page',
      authMethod: 'oauth2',
      config: {
        apiBaseUrl: linkedIn.url,
        oauth: { authorizationEndpoint: `${linkedIn.url}/oauth/v2/authorization`, tokenEndpoint: `${linkedIn.url}/oauth/v2/accessToken`, revocationEndpoint: `${linkedIn.url}/oauth/v2/revoke` },
      },
      credential: { clientId: LINKEDIN_SANDBOX_CLIENT.id, clientSecret: LINKEDIN_SANDBOX_CLIENT.secret },
    });
    const id = created.id;
    /** What an admin does in a browser: the flow's URL, the sandbox's consent redirect, our callback. */
    const authorize = async () => {
      const { authorizationUrl } = await flow.authorize(who, id);
      const consent = await fetch(authorizationUrl, { redirect: 'manual' });
      await flow.callback(Object.fromEntries(new URL(consent.headers.get('location')!).searchParams));
    };
    /** One scheduled check of the connection, as the aggregator's loop runs it (the LinkedIn probe, with OAuth). */
    const check = async () => {
      await db.prisma.connection.update({ where: { id }, data: { nextHealthCheckAt: null } });
      await scheduler.poll();
      await scheduler.idle();
      return db.prisma.connection.findUniqueOrThrow({ where: { id } });
    };
    const t0 = Date.now();

    await authorize();
    expect(await check()).toMatchObject({ status: 'connected', healthStatus: 'healthy' });
    // 61 days on at LinkedIn: the access token has expired there, the refresh token (365 days) still works.
    linkedInNow += 61 * DAY;
    expect(await check()).toMatchObject({ status: 'connected' });
    expect(linkedIn.refreshGrants).toEqual({ served: 1, rejected: 0 });
    await rounds(t0, [10_000]);
    expect(await alerts(REAUTH_TENANT, 'reauth_required')).toEqual([]);

    // 400 more days: LinkedIn answers the refresh with invalid_grant; the token manager marks the connection.
    linkedInNow += 400 * DAY;
    expect(await check()).toMatchObject({ status: 'reauth_required' });
    expect(linkedIn.refreshGrants).toEqual({ served: 1, rejected: 1 });
    expect(await db.prisma.connectionEvent.count({ where: { connectionId: id, type: 'reauth_required' } })).toBe(1);
    // Checks go on while it waits: no further provider call for the grant, and it fires once however often it is seen.
    await check();
    expect(linkedIn.refreshGrants.rejected).toBe(1);
    await rounds(t0, [30_000, 60_000, 90_000]);
    let seen = await alerts(REAUTH_TENANT, 'reauth_required');
    expect(seen.map((a) => [a.subject, a.status, a.severity])).toEqual([[id, 'firing', 'critical']]);
    await waitUntil(async () => (await relayed('ops.alert.fired', REAUTH_TENANT, 'reauth_required')).length === 1, 10_000, 'ops.alert.fired relayed');
    expect(await relayed('ops.alert.fired', REAUTH_TENANT, 'reauth_required')).toEqual([seen[0]!.id]);

    // The admin authorizes again (consent at LinkedIn, code exchange): connected, and the next rounds resolve it.
    await authorize();
    expect(await check()).toMatchObject({ status: 'connected' });
    await rounds(t0, [120_000, 150_000]);
    seen = await alerts(REAUTH_TENANT, 'reauth_required');
    expect(seen.map((a) => [a.subject, a.status])).toEqual([[id, 'resolved']]);
    expect(seen[0]!.resolvedAt).toEqual(new Date(t0 + 120_000));
    await waitUntil(async () => (await relayed('ops.alert.resolved', REAUTH_TENANT, 'reauth_required')).length === 1, 10_000, 'ops.alert.resolved relayed');
    expect(await relayed('ops.alert.resolved', REAUTH_TENANT, 'reauth_required')).toEqual([seen[0]!.id]);
    expect(await relayed('ops.alert.fired', REAUTH_TENANT, 'reauth_required')).toHaveLength(1);
  });

  it('dead_letters_growing: invalid commands dead-lettered by the running erp-worker → fires at the threshold, once; a tenant redrive (worker stopped) → resolves once; restarted unfixed → fires again', async () => {
    const put = await aggregator.app.get(SetAlertRuleHandler).execute({ tenantId: DLQ_TENANT, actor: 'test' }, 'dead_letters_growing', { params: { threshold: 3 } });
    expect(put.effective).toMatchObject({ threshold: 3, windowMinutes: 15 });
    const erpEnv = parseEnv(erpWorker.envSchema, { DATABASE_URL: db.url, DATABASE_POOL_MAX: '3', HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', TENANT_ID: DLQ_TENANT, ERPNEXT_SANDBOX_PORT: '0' }, erpWorker.name);
    let erp: RunningApp | undefined = await startApp(erpWorker, erpEnv as never, { bus: new MemoryTransport(broker) });
    try {
      /** A command from a producer with a bug: a valid envelope whose payload fails erp-worker's schema (empty name). */
      const publishInvalid = async (n: number) => {
        const commands = Array.from({ length: n }, () => createMessage('erp.customer.create', { customerName: 'placeholder', customerType: 'Company' }, { tenantId: DLQ_TENANT }));
        await outside.publish(commands.map((c) => ({ ...toOutgoing(c), body: { ...c, payload: { customerName: '', customerType: 'Company' } } })));
      };
      const mirrored = (n: number) =>
        waitUntil(async () => (await db.prisma.deadLetter.count({ where: { tenantId: DLQ_TENANT, subscription: 'erp-worker' } })) === n, 10_000, `${n} dead letters mirrored`);
      // Rounds after the first test's (the evaluator's clock only moves on); the dead letters stay in its 15 minutes.
      const t0 = Date.now() + 3 * 60_000;

      await publishInvalid(2);
      await mirrored(2);
      await rounds(t0, [30_000]);
      expect(await alerts(DLQ_TENANT, 'dead_letters_growing')).toEqual([]);

      await publishInvalid(1);
      await mirrored(3);
      const rows = await db.prisma.deadLetter.findMany({ where: { tenantId: DLQ_TENANT } });
      expect(rows.map((r) => [r.reason, r.redrivenAt])).toEqual(Array.from({ length: 3 }, () => ['VALIDATION_FAILED', null]));
      await rounds(t0, [60_000, 90_000, 120_000]);
      let seen = await alerts(DLQ_TENANT, 'dead_letters_growing');
      expect(seen.map((a) => [a.subject, a.status, a.value, a.threshold])).toEqual([['erp-worker', 'firing', 3, 3]]);
      await waitUntil(async () => (await relayed('ops.alert.fired', DLQ_TENANT, 'dead_letters_growing')).length === 1, 10_000, 'ops.alert.fired relayed');

      // The operator stops the worker (a fix is being deployed), then redrives the tenant's dead letters with its
      // admin key: the commands wait in the subscription, the rows are marked redriven, and the rule resolves.
      await erp.stop();
      erp = undefined;
      const admin = new DeadLetterAdmin(db.prisma, new DeadLetterRepository(db.prisma), new AuditEventRepository(db.prisma), outside);
      const redriven = await admin.redrive({ actor: 'admin:ops', tenantId: DLQ_TENANT }, { all: true });
      expect(redriven).toMatchObject({ matched: 3, remaining: 0, removedFromBroker: 3 });
      await rounds(t0, [150_000, 180_000]);
      seen = await alerts(DLQ_TENANT, 'dead_letters_growing');
      expect(seen.map((a) => [a.status, a.resolvedAt])).toEqual([['resolved', new Date(t0 + 150_000)]]);
      await waitUntil(async () => (await relayed('ops.alert.resolved', DLQ_TENANT, 'dead_letters_growing')).length === 1, 10_000, 'ops.alert.resolved relayed');
      expect(await relayed('ops.alert.resolved', DLQ_TENANT, 'dead_letters_growing')).toEqual([seen[0]!.id]);
      expect(await relayed('ops.alert.fired', DLQ_TENANT, 'dead_letters_growing')).toEqual([seen[0]!.id]);

      // Started again unfixed, the worker takes the redriven commands and dead-letters them again: new open rows,
      // and the rule fires again as a new alert (it counts what is dead now, not what was once redriven).
      erp = await startApp(erpWorker, erpEnv as never, { bus: new MemoryTransport(broker) });
      await mirrored(6);
      await rounds(t0, [210_000]);
      seen = await alerts(DLQ_TENANT, 'dead_letters_growing');
      expect(seen.map((a) => [a.status, a.value])).toEqual([
        ['resolved', 3],
        ['firing', 3],
      ]);
    } finally {
      await erp?.stop();
    }
  });
});
