import { AuditEventRepository } from '@junction/persistence';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { AlertRepository } from './alert.repository';
import { SetAlertRuleHandler } from './usecases/set-alert-rule/set-alert-rule.handler';
import type { EvaluateAlertsHandler } from './usecases/evaluate-alerts/evaluate-alerts.handler';
import { addChannels, evaluator, recordCalls, trail } from './testing/alerts.fixture';

const HOUR = 3_600_000;
let nextHour = Date.parse('2026-04-01T00:00:00.000Z');
const hourOfItsOwn = () => new Date((nextHour += HOUR));
const at = (t0: Date, ms: number) => new Date(t0.getTime() + ms);

/** Per-tenant settings and concurrent evaluators, over a real Postgres. */
describe('alert rules: tenant settings and concurrent evaluators (real Postgres)', () => {
  let db: TestDatabase;
  let evaluate: EvaluateAlertsHandler;
  let setRule: SetAlertRuleHandler;

  beforeAll(async () => {
    db = await createTestDatabase();
    evaluate = evaluator(db.prisma);
    setRule = new SetAlertRuleHandler(new AlertRepository(db.prisma), new AuditEventRepository(db.prisma));
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  }, 30_000);

  it("a tenant's override moves the threshold: 6 failures do not fire above 10, 3 fire above 2; other tenants keep the default", async () => {
    const t0 = hourOfItsOwn();
    await setRule.execute({ tenantId: 't-lenient', actor: 'cli' }, 'failures_burst', { params: { threshold: 10 } });
    await setRule.execute({ tenantId: 't-strict', actor: 'cli' }, 'failures_burst', { params: { threshold: 2, windowMinutes: 10 } });
    await recordCalls(db.prisma, 't-lenient', t0, 6, { outcome: 'server' });
    await recordCalls(db.prisma, 't-strict', t0, 3, { outcome: 'server' });
    await recordCalls(db.prisma, 't-default', t0, 6, { outcome: 'server' });
    await evaluate.execute(at(t0, 30_000));
    expect((await trail(db.prisma, 't-lenient', 'failures_burst')).alerts).toEqual([]);
    expect((await trail(db.prisma, 't-strict', 'failures_burst')).alerts).toMatchObject([{ status: 'firing', value: 3 }]);
    expect((await trail(db.prisma, 't-default', 'failures_burst')).alerts).toMatchObject([{ status: 'firing', value: 6 }]);
    // t-strict's 10-minute window still holds them 7 minutes later; the default 5-minute one does not.
    await evaluate.execute(at(t0, 7 * 60_000));
    expect((await trail(db.prisma, 't-strict', 'failures_burst')).alerts).toMatchObject([{ status: 'firing' }]);
    expect((await trail(db.prisma, 't-default', 'failures_burst')).alerts).toMatchObject([{ status: 'resolved' }]);
    expect(await db.prisma.auditEvent.count({ where: { action: 'alert-rule.updated', tenantId: 't-strict', subject: 'failures_burst' } })).toBe(1);
  });

  it('a disabled rule never fires, and disabling resolves what it had open', async () => {
    const t0 = hourOfItsOwn();
    await setRule.execute({ tenantId: 't-off', actor: 'cli' }, 'auth_failures', { enabled: false });
    await recordCalls(db.prisma, 't-off', t0, 2, { outcome: 'auth', httpStatus: 401 });
    await recordCalls(db.prisma, 't-on', t0, 2, { outcome: 'auth', httpStatus: 401 });
    for (const s of [10, 40, 70]) await evaluate.execute(at(t0, s * 1_000));
    expect(await trail(db.prisma, 't-off', 'auth_failures')).toMatchObject({ alerts: [], fired: [] });
    expect((await trail(db.prisma, 't-on', 'auth_failures')).alerts).toMatchObject([{ status: 'firing' }]);

    await setRule.execute({ tenantId: 't-on', actor: 'cli' }, 'auth_failures', { enabled: false });
    await evaluate.execute(at(t0, 80_000));
    const seen = await trail(db.prisma, 't-on', 'auth_failures');
    expect(seen.alerts).toMatchObject([{ status: 'resolved' }]);
    expect(seen.resolved).toHaveLength(1);
  });

  it('bad params are refused with ALERT_RULE_INVALID, an unknown rule with ALERT_RULE_UNKNOWN; nothing is stored', async () => {
    await expect(setRule.execute({ tenantId: 't-bad', actor: 'cli' }, 'error_rate', { params: { threshold: 10 } })).rejects.toMatchObject({ code: 'ALERT_RULE_INVALID', status: 400 });
    await expect(setRule.execute({ tenantId: 't-bad', actor: 'cli' }, 'error_rate', { params: { treshold: 0.2 } })).rejects.toMatchObject({ code: 'ALERT_RULE_INVALID', status: 400 });
    await expect(setRule.execute({ tenantId: 't-bad', actor: 'cli' }, 'cpu_usage', { enabled: true })).rejects.toMatchObject({ code: 'ALERT_RULE_UNKNOWN', status: 404 });
    expect(await db.prisma.alertRule.count({ where: { tenantId: 't-bad' } })).toBe(0);
  });

  it('a retired rule\'s open alert is closed quietly and stored params that no longer validate fall back to the defaults', async () => {
    const t0 = hourOfItsOwn();
    await db.prisma.alert.create({ data: { tenantId: 't-legacy', rule: 'cpu_hot', subject: 'x', openKey: 't-legacy|cpu_hot|x', status: 'firing', severity: 'warning', summary: 'old' } });
    await db.prisma.alertRule.create({ data: { tenantId: 't-legacy', rule: 'failures_burst', params: { threshold: 'many' } } });
    await recordCalls(db.prisma, 't-legacy', t0, 6, { outcome: 'server' });
    const report = await evaluate.execute(at(t0, 30_000));
    expect(report.evaluated).toBe(true);
    expect(await db.prisma.alert.findFirstOrThrow({ where: { tenantId: 't-legacy', rule: 'cpu_hot' } })).toMatchObject({ status: 'resolved', openKey: null });
    expect(await db.prisma.alert.findMany({ where: { tenantId: 't-legacy', rule: 'failures_burst' }, select: { status: true, value: true, threshold: true } })).toEqual([{ status: 'firing', value: 6, threshold: 5 }]);
    expect((await trail(db.prisma, 't-legacy', 'failures_burst')).fired).toHaveLength(1);
  });

  it('two evaluators at once fire once: the advisory lock, and without it the openKey', async () => {
    const t0 = hourOfItsOwn();
    const channels = await addChannels(db.prisma, 't-race');
    const other = evaluator(db.prisma);
    await recordCalls(db.prisma, 't-race', t0, 10, { outcome: 'server' });
    const reports = await Promise.all([evaluate.execute(at(t0, 30_000)), other.execute(at(t0, 30_000)), evaluate.execute(at(t0, 31_000)), other.execute(at(t0, 31_000))]);
    expect(reports.reduce((n, r) => n + r.fired, 0)).toBeGreaterThanOrEqual(2); // failures_burst and error_rate, once each
    // The rounds themselves, side by side without the lock: the unique openKey keeps a second alert out.
    await recordCalls(db.prisma, 't-race', at(t0, 5_000), 1, { outcome: 'auth', httpStatus: 401 });
    await Promise.all([evaluate.round(at(t0, 40_000)), other.round(at(t0, 40_000)), evaluate.round(at(t0, 40_000))]);
    for (const rule of ['failures_burst', 'error_rate', 'auth_failures']) {
      const seen = await trail(db.prisma, 't-race', rule);
      expect(seen.alerts).toHaveLength(1);
      expect(seen.fired).toHaveLength(1);
      expect(seen.deliveries.map((d) => d.channelId).sort()).toEqual(channels);
    }
  });
});
