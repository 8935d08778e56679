import { Logger } from '@nestjs/common';
import { Webhook } from 'standardwebhooks';
import { SlackWebhookSandbox } from '@junction/connectors/slack';
import { CredentialRepository, PrismaService } from '@junction/persistence';
import { CredentialService, CredentialVault, parseKeyRing } from '@junction/security';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { AlertChannelAdmin } from './alert-channel.admin';
import { AlertChannelRepository } from './alert-channel.repository';
import { AlertChannelSecrets } from './alert-channel.secrets';
import { AlertChannelSender } from './alert-channel.sender';
import { AlertDeliveryDispatcher } from './alert-delivery.dispatcher';
import { AlertDeliveryMetrics } from './alert-delivery.metrics';
import { AlertDeliveryRepository } from './alert-delivery.repository';
import { AlertHttpClient } from './alert-http.client';
import { capturingLogger, insertAlertWithDeliveries, ScriptedReceiver, TEST_KEK } from './testing/alert-delivery.fixture';
import { DispatchAlertDeliveriesHandler } from './usecases/dispatch-alert-deliveries/dispatch-alert-deliveries.handler';

const TENANT = 'tenant-alert-delivery';
const actor = { tenantId: TENANT, actor: 'test' };
const POLICY = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 100 };

/** The delivery loop over a real Postgres: a local webhook receiver and the Slack sandbox on the other end. */
describe('alert delivery (real Postgres, local receiver, Slack sandbox)', () => {
  let db: TestDatabase;
  let credentials: CredentialService;
  let http: AlertHttpClient;
  let admin: AlertChannelAdmin;
  const metrics = new AlertDeliveryMetrics();
  const receiver = new ScriptedReceiver();
  const slack = new SlackWebhookSandbox();
  let receiverUrl: string;
  const logs: string[] = [];
  /** Every secret the tests create: none may show in a log line or lastError. */
  const secrets: string[] = [];
  const dispatchers: AlertDeliveryDispatcher[] = [];
  const extraClients: PrismaService[] = [];

  const dispatcher = (prisma: PrismaService = db.prisma, batchSize = 10) => {
    const secretsOf = new AlertChannelSecrets(credentials, new AlertChannelRepository(prisma));
    const handler = new DispatchAlertDeliveriesHandler(new AlertDeliveryRepository(prisma), secretsOf, new AlertChannelSender(http), metrics, { batchSize, leaseMs: 10_000, policy: POLICY });
    const d = new AlertDeliveryDispatcher(handler, { pollMs: 20, batchSize });
    dispatchers.push(d);
    d.start();
    return d;
  };
  const delivery = (id: string) => db.prisma.alertDelivery.findUniqueOrThrow({ where: { id } });
  const webhookChannel = async (name: string) => {
    const created = await admin.create(actor, { kind: 'webhook', name, url: receiverUrl });
    secrets.push(created.signingSecret!);
    return { id: created.channel.id, secret: created.signingSecret! };
  };
  const counter = async (kind: string, outcome: string) => (await metrics.deliveries.get()).values.find((v) => v.labels.kind === kind && v.labels.outcome === outcome)?.value ?? 0;

  beforeAll(async () => {
    Logger.overrideLogger(capturingLogger(logs));
    db = await createTestDatabase();
    credentials = new CredentialService(new CredentialVault(parseKeyRing(TEST_KEK)), new CredentialRepository(db.prisma));
    http = new AlertHttpClient({ timeoutMs: 2_000 });
    admin = AlertChannelAdmin.create(db.prisma, credentials, http);
    receiverUrl = await receiver.start();
    await slack.start();
  }, 60_000);

  afterEach(async () => {
    await Promise.all(dispatchers.splice(0).map((d) => d.stop()));
    receiver.reset();
  });

  afterAll(async () => {
    Logger.overrideLogger(false);
    await receiver.stop();
    await slack.stop();
    await http.onApplicationShutdown();
    await Promise.all(extraClients.map((c) => c.$disconnect()));
    await db?.drop();
  }, 30_000);

  it('delivers a signed webhook the standardwebhooks library verifies', async () => {
    const channel = await webhookChannel('verify');
    const { alert, deliveries } = await insertAlertWithDeliveries(db.prisma, TENANT, [channel.id]);
    dispatcher();
    await waitUntil(async () => (await delivery(deliveries[0]!.id)).status === 'delivered', 10_000, 'the delivery');
    expect(receiver.received).toHaveLength(1);
    const [req] = receiver.received;
    const headers = { 'webhook-id': String(req!.headers['webhook-id']), 'webhook-timestamp': String(req!.headers['webhook-timestamp']), 'webhook-signature': String(req!.headers['webhook-signature']) };
    const payload = new Webhook(channel.secret).verify(req!.body, headers) as { type: string; data: { alert: { id: string; rule: string } } };
    expect(payload.type).toBe('ops.alert.fired');
    expect(payload.data.alert).toMatchObject({ id: alert.id, rule: 'error_rate' });
    expect(headers['webhook-id']).toBe(deliveries[0]!.id);
    // Another secret does not verify it: the signature is over this body with this channel's secret.
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 1).toString('base64')}`).verify(req!.body, headers)).toThrow();
    expect(await delivery(deliveries[0]!.id)).toMatchObject({ status: 'delivered', attempts: 1, lastStatus: 200, lastError: null, deliveredAt: expect.any(Date) });
  });

  it('500, 500, then 200: three attempts with the same webhook-id, delivered once', async () => {
    const channel = await webhookChannel('flaky');
    receiver.answer({ status: 500, body: 'boom' }, { status: 500, body: 'boom' });
    const before = await counter('webhook', 'retried');
    const { deliveries } = await insertAlertWithDeliveries(db.prisma, TENANT, [channel.id]);
    dispatcher();
    await waitUntil(async () => (await delivery(deliveries[0]!.id)).status === 'delivered', 10_000, 'the delivery');
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(receiver.received.map((r) => r.headers['webhook-id']))).toEqual(new Set([deliveries[0]!.id]));
    expect(await delivery(deliveries[0]!.id)).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 200 });
    expect((await counter('webhook', 'retried')) - before).toBe(2);
  });

  it('400 fails at once after one attempt', async () => {
    const channel = await webhookChannel('rejecting');
    receiver.answer({ status: 400, body: '{"error":"unknown event type"}' });
    const { deliveries } = await insertAlertWithDeliveries(db.prisma, TENANT, [channel.id]);
    dispatcher();
    await waitUntil(async () => (await delivery(deliveries[0]!.id)).status === 'failed', 10_000, 'the failure');
    await new Promise((r) => setTimeout(r, 200));
    expect(receiver.received).toHaveLength(1);
    expect(await delivery(deliveries[0]!.id)).toMatchObject({ attempts: 1, lastStatus: 400, lastError: 'HTTP 400: {"error":"unknown event type"} (permanent, not retried)' });
  });

  it('honours Retry-After (2 s, where the backoff would be under 100 ms), then delivers', async () => {
    const channel = await webhookChannel('throttled');
    receiver.answer({ status: 429, headers: { 'retry-after': '2' } });
    const { deliveries } = await insertAlertWithDeliveries(db.prisma, TENANT, [channel.id]);
    dispatcher();
    await waitUntil(async () => (await delivery(deliveries[0]!.id)).status === 'delivered', 10_000, 'the delivery');
    const [first, second] = receiver.received;
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1_950);
    expect(await delivery(deliveries[0]!.id)).toMatchObject({ attempts: 2, lastStatus: 200 });
  });

  it('gives up after the last attempt: failed, out of attempts', async () => {
    const channel = await webhookChannel('down');
    receiver.answer(...Array.from({ length: POLICY.maxAttempts }, () => ({ status: 503 })));
    const { deliveries } = await insertAlertWithDeliveries(db.prisma, TENANT, [channel.id]);
    dispatcher();
    await waitUntil(async () => (await delivery(deliveries[0]!.id)).status === 'failed', 10_000, 'the failure');
    expect(receiver.received).toHaveLength(POLICY.maxAttempts);
    expect(await delivery(deliveries[0]!.id)).toMatchObject({ attempts: POLICY.maxAttempts, lastStatus: 503, lastError: 'HTTP 503 (out of attempts)' });
  });

  it('Slack: the sandbox receives the text and blocks; a 429 with Retry-After is retried; a removed hook (404 no_service) fails', async () => {
    const { url, hook } = slack.createHook('#ops-alerts');
    secrets.push(url);
    const created = await admin.create(actor, { kind: 'slack', name: 'slack ops', webhookUrl: url });
    expect(created.channel.target).toMatch(/^127\.0\.0\.1:\d+\/services\/T\*\*\*$/);
    slack.faults.set({ failNext: { count: 1, status: 429, retryAfter: 1 } });
    const { alert, deliveries } = await insertAlertWithDeliveries(db.prisma, TENANT, [created.channel.id]);
    dispatcher();
    await waitUntil(async () => (await delivery(deliveries[0]!.id)).status === 'delivered', 10_000, 'the Slack delivery');
    const [message] = slack.messagesFor(hook.id);
    expect(message!.text).toBe(`🔥 [CRITICAL] FIRING: error_rate on ${alert.subject}: ${alert.summary}`);
    expect(JSON.stringify(message!.blocks)).toContain('*Value*\\n0.23 (threshold 0.1)');
    expect(await delivery(deliveries[0]!.id)).toMatchObject({ attempts: 2, lastStatus: 200 });

    slack.setHookState(hook.id, 'revoked');
    const gone = await insertAlertWithDeliveries(db.prisma, TENANT, [created.channel.id]);
    await waitUntil(async () => (await delivery(gone.deliveries[0]!.id)).status === 'failed', 10_000, 'the failure');
    expect(await delivery(gone.deliveries[0]!.id)).toMatchObject({ attempts: 1, lastStatus: 404, lastError: 'HTTP 404: no_service (permanent, not retried)' });
    expect(await counter('slack', 'failed')).toBeGreaterThanOrEqual(1);
  });

  it('a receiver that quotes the secret URL back: lastError is redacted', async () => {
    const secretUrl = receiverUrl.replace('/hooks/alerts', '/services/T0SECRET/B0SECRET/QuotedBackSecret42');
    secrets.push(secretUrl);
    const created = await admin.create(actor, { kind: 'slack', name: 'echoing', webhookUrl: secretUrl });
    receiver.answer({ status: 400, body: `invalid_payload for ${secretUrl}` });
    const { deliveries } = await insertAlertWithDeliveries(db.prisma, TENANT, [created.channel.id]);
    dispatcher();
    await waitUntil(async () => (await delivery(deliveries[0]!.id)).status === 'failed', 10_000, 'the failure');
    const row = await delivery(deliveries[0]!.id);
    expect(row.lastError).toBe('HTTP 400: invalid_payload for *** (permanent, not retried)');
  });

  it('two dispatchers on separate connections deliver 40 rows exactly once each', async () => {
    const channel = await webhookChannel('busy');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await insertAlertWithDeliveries(db.prisma, TENANT, [channel.id])).deliveries[0]!.id);
    const second = new PrismaService(db.url, { poolMax: 3 });
    extraClients.push(second);
    dispatcher(db.prisma, 4);
    dispatcher(second, 4);
    await waitUntil(async () => (await db.prisma.alertDelivery.count({ where: { id: { in: ids }, status: 'delivered' } })) === 40, 15_000, '40 deliveries');
    await new Promise((r) => setTimeout(r, 200));
    const seen = receiver.received.map((r) => String(r.headers['webhook-id']));
    expect(seen.sort()).toEqual([...ids].sort());
    const rows = await db.prisma.alertDelivery.findMany({ where: { id: { in: ids } } });
    expect(rows.every((r) => r.attempts === 1)).toBe(true);
  });

  it('a claim in flight (locks held, not committed) hands none of its rows to another replica', async () => {
    const channel = await webhookChannel('contended');
    for (let i = 0; i < 6; i++) await insertAlertWithDeliveries(db.prisma, TENANT, [channel.id]);
    const other = new PrismaService(db.url, { poolMax: 2 });
    extraClients.push(other);
    const repoA = new AlertDeliveryRepository(db.prisma);
    const repoB = new AlertDeliveryRepository(other);
    await db.prisma.transaction(async (tx) => {
      const a = await repoA.claimDue(3, 60_000, tx);
      // Without SKIP LOCKED this would wait for A's locks (A waits for it: the transaction times out).
      const b = await repoB.claimDue(10, 60_000);
      expect(a).toHaveLength(3);
      expect(b).toHaveLength(3);
      expect(new Set([...a, ...b].map((c) => c.id)).size).toBe(6);
    });
    expect(await repoB.claimDue(10, 60_000)).toEqual([]);
  });

  it('no secret in any log line or lastError', async () => {
    expect(secrets.length).toBeGreaterThanOrEqual(6);
    expect(logs.length).toBeGreaterThan(0);
    const lastErrors = (await db.prisma.alertDelivery.findMany({ select: { lastError: true } })).map((r) => r.lastError ?? '');
    for (const secret of secrets) {
      const needles = [secret, secret.replace(/^whsec_/, ''), ...(secret.startsWith('http') ? [new URL(secret).pathname] : [])];
      for (const needle of needles) {
        expect(logs.filter((l) => l.includes(needle))).toEqual([]);
        expect(lastErrors.filter((l) => l.includes(needle))).toEqual([]);
      }
    }
  });
});
