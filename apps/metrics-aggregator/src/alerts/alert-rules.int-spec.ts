import { DeadLetterRepository } from '@junction/persistence';
import { createMessage } from '@junction/contracts';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import type { EvaluateAlertsHandler } from './usecases/evaluate-alerts/evaluate-alerts.handler';
import { addChannels, evaluator, recordCalls, trail } from './testing/alerts.fixture';

const HOUR = 3_600_000;
const MIN = 60_000;
/** Each test runs in an hour of its own, so the windows of one never fall in another's rounds. */
let nextHour = Date.parse('2026-03-02T00:00:00.000Z');
const hourOfItsOwn = () => new Date((nextHour += HOUR));
const at = (t0: Date, ms: number) => new Date(t0.getTime() + ms);

/**
 * Every rule, driven the way it happens (call records through the aggregator's batch writer into metric_window; a
 * connection's status; dead-letter mirror rows), evaluated several times with an injected clock, then let clear.
 */
describe('alert rules: fire once, stay open, resolve once (real Postgres)', () => {
  let db: TestDatabase;
  let evaluate: EvaluateAlertsHandler;

  beforeAll(async () => {
    db = await createTestDatabase();
    evaluate = evaluator(db.prisma);
    await db.prisma.integrationType.create({ data: { slug: 'linkedin', name: 'LinkedIn', kind: 'rest', category: 'social', description: 'x', authMethods: ['oauth2'], configSchema: {} } });
  }, 60_000);

  afterAll(async () => {
    await db?.drop();
  }, 30_000);

  /**
   * Rounds at t0 + 30 s, 60 s and 90 s (true each time), then `clear` and rounds at `clearedAt` and a minute later:
   * exactly one alert, one ops.alert.fired, a 'fired' delivery per enabled channel; then resolved once with
   * ops.alert.resolved and 'resolved' deliveries.
   */
  async function firesOnceThenResolves(tenantId: string, rule: string, t0: Date, clearedAt: Date, clear: () => Promise<void> = async () => undefined): Promise<void> {
    const channels = await addChannels(db.prisma, tenantId);
    for (const offset of [30_000, 60_000, 90_000]) await evaluate.execute(at(t0, offset));
    let seen = await trail(db.prisma, tenantId, rule);
    expect(seen.alerts).toHaveLength(1);
    expect(seen.alerts[0]).toMatchObject({ status: 'firing', openKey: `${tenantId}|${rule}|${seen.alerts[0]!.subject}` });
    expect(seen.fired).toEqual([seen.alerts[0]!.id]);
    expect(seen.resolved).toEqual([]);
    expect(seen.deliveries.map((d) => `${d.channelId}:${d.event}:${d.status}`).sort()).toEqual(channels.map((c) => `${c}:fired:pending`));

    await clear();
    await evaluate.execute(clearedAt);
    await evaluate.execute(at(clearedAt, MIN));
    seen = await trail(db.prisma, tenantId, rule);
    expect(seen.alerts).toHaveLength(1);
    expect(seen.alerts[0]).toMatchObject({ status: 'resolved', openKey: null, resolvedAt: clearedAt });
    expect(seen.fired).toHaveLength(1);
    expect(seen.resolved).toEqual([seen.alerts[0]!.id]);
    expect(seen.deliveries.filter((d) => d.event === 'resolved').map((d) => d.channelId).sort()).toEqual(channels);
  }

  it('failures_burst: 6 failed calls in 5 minutes fire; the window ages out and it resolves', async () => {
    const t0 = hourOfItsOwn();
    await recordCalls(db.prisma, 't-burst', t0, 4, { outcome: 'success' });
    await recordCalls(db.prisma, 't-burst', at(t0, 20_000), 6, { outcome: 'server', httpStatus: 503 });
    await firesOnceThenResolves('t-burst', 'failures_burst', t0, at(t0, 5 * MIN + 1_000));
    expect((await trail(db.prisma, 't-burst', 'failures_burst')).alerts[0]).toMatchObject({ subject: 'erpnext/conn-main', value: 6 });
  });

  it('error_rate: 3 failed of 20 calls (15 %) fire; fewer than 10 calls never do', async () => {
    const t0 = hourOfItsOwn();
    await recordCalls(db.prisma, 't-rate', t0, 17, { outcome: 'success' });
    await recordCalls(db.prisma, 't-rate', at(t0, 1_000), 3, { outcome: 'timeout' });
    // One failed call of one is 100 %, but under minCalls: no alert for that connection.
    await recordCalls(db.prisma, 't-rate', t0, 1, { outcome: 'server', connection: 'conn-quiet' });
    await firesOnceThenResolves('t-rate', 'error_rate', t0, at(t0, 5 * MIN));
    const seen = await trail(db.prisma, 't-rate', 'error_rate');
    expect(seen.alerts.map((a) => [a.subject, a.value])).toEqual([['erpnext/conn-main', 0.15]]);
  });

  it('avg_latency: 10 calls averaging 6 s fire; resolves when they age out', async () => {
    const t0 = hourOfItsOwn();
    await recordCalls(db.prisma, 't-slow', t0, 10, { outcome: 'success', latencyMs: 6_000 });
    await firesOnceThenResolves('t-slow', 'avg_latency', t0, at(t0, 6 * MIN));
    expect((await trail(db.prisma, 't-slow', 'avg_latency')).alerts[0]!.value).toBe(6_000);
  });

  it('auth_failures: one 401 fires; resolves when it ages out', async () => {
    const t0 = hourOfItsOwn();
    await recordCalls(db.prisma, 't-auth', t0, 3, { outcome: 'success' });
    await recordCalls(db.prisma, 't-auth', at(t0, 5_000), 1, { outcome: 'auth', httpStatus: 401, provider: 'crm' });
    await firesOnceThenResolves('t-auth', 'auth_failures', t0, at(t0, 5 * MIN));
    expect((await trail(db.prisma, 't-auth', 'auth_failures')).alerts[0]).toMatchObject({ subject: 'crm/conn-main', value: 1 });
  });

  it('breaker_open: calls failing fast with the breaker open fire; one call through a closed breaker resolves it', async () => {
    const t0 = hourOfItsOwn();
    await recordCalls(db.prisma, 't-breaker', t0, 3, { outcome: 'server', httpStatus: 502, breakerState: 'closed' });
    await recordCalls(db.prisma, 't-breaker', at(t0, 10_000), 4, { outcome: 'circuit_open', breakerState: 'open' });
    // Two minutes later (still inside the window) the half-open probe succeeds and the breaker closes.
    await firesOnceThenResolves('t-breaker', 'breaker_open', t0, at(t0, 2 * MIN + 30_000), () =>
      recordCalls(db.prisma, 't-breaker', at(t0, 2 * MIN), 1, { outcome: 'success', breakerState: 'closed' }),
    );
  });

  it('rate_limited: 5 rate-limited answers fire; resolves when they age out', async () => {
    const t0 = hourOfItsOwn();
    await recordCalls(db.prisma, 't-429', t0, 5, { outcome: 'rate_limit', httpStatus: 429, provider: 'reddit' });
    await firesOnceThenResolves('t-429', 'rate_limited', t0, at(t0, 5 * MIN));
    expect((await trail(db.prisma, 't-429', 'rate_limited')).alerts[0]).toMatchObject({ subject: 'reddit/conn-main', value: 5 });
  });

  it('reauth_required: a connection in reauth_required fires; reconnecting resolves it', async () => {
    const t0 = hourOfItsOwn();
    const connection = await db.prisma.connection.create({ data: { tenantId: 't-reauth', typeSlug: 'linkedin', name: 'company page', authMethod: 'oauth2', status: 'reauth_required' } });
    await firesOnceThenResolves('t-reauth', 'reauth_required', t0, at(t0, 2 * MIN), async () => {
      await db.prisma.connection.update({ where: { id: connection.id }, data: { status: 'connected' } });
    });
    expect((await trail(db.prisma, 't-reauth', 'reauth_required')).alerts[0]!.subject).toBe(connection.id);
  });

  it('dead_letters_growing: 10 new dead letters in 15 minutes fire; a redrive of them resolves it', async () => {
    const t0 = hourOfItsOwn();
    const deadLetters = new DeadLetterRepository(db.prisma);
    for (let i = 0; i < 10; i++) {
      const message = createMessage('erp.customer.create', { customerName: `Customer ${i}`, customerType: 'Company' }, { tenantId: 't-dlq' });
      await deadLetters.record({
        messageId: message.id,
        topic: 'erp.commands',
        subscription: 'erp-worker',
        type: message.type,
        reason: 'PROVIDER_VALIDATION',
        description: 'rejected',
        deliveryCount: 1,
        rawBody: JSON.stringify(message),
        headers: {},
        deadLetteredAt: at(t0, i * 1_000),
      });
    }
    await firesOnceThenResolves('t-dlq', 'dead_letters_growing', t0, at(t0, 3 * MIN), async () => {
      await db.prisma.deadLetter.updateMany({ where: { tenantId: 't-dlq' }, data: { redrivenAt: at(t0, 2 * MIN) } });
    });
    expect((await trail(db.prisma, 't-dlq', 'dead_letters_growing')).alerts[0]).toMatchObject({ subject: 'erp-worker', value: 10 });
  });

  it('fires again as a new alert when the condition returns after resolving', async () => {
    const t0 = hourOfItsOwn();
    await recordCalls(db.prisma, 't-again', t0, 1, { outcome: 'auth', httpStatus: 401 });
    await evaluate.execute(at(t0, 10_000));
    await evaluate.execute(at(t0, 6 * MIN));
    await recordCalls(db.prisma, 't-again', at(t0, 7 * MIN), 1, { outcome: 'auth', httpStatus: 401 });
    await evaluate.execute(at(t0, 7 * MIN + 10_000));
    const seen = await trail(db.prisma, 't-again', 'auth_failures');
    expect(seen.alerts.map((a) => a.status)).toEqual(['resolved', 'firing']);
    expect(seen.fired).toHaveLength(2);
    expect(seen.resolved).toHaveLength(1);
  });
});
