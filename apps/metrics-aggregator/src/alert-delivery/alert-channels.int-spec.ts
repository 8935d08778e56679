import { request } from 'undici';
import { Webhook } from 'standardwebhooks';
import { SlackWebhookSandbox } from '@junction/connectors/slack';
import { MemoryBroker, MemoryTransport } from '@junction/messaging';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { metricsAggregator } from '../app.definition';
import { envSchema } from '../config/env';
import { insertAlertWithDeliveries, ScriptedReceiver, TEST_KEK } from './testing/alert-delivery.fixture';

const TENANT = 'tenant-alert-channels';
const OTHER = 'tenant-alert-channels-other';

/** The admin API of alert channels on the real app (startApp, memory bus, real Postgres), and its delivery loop. */
describe('alert channels API (metrics-aggregator, real Postgres)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let key: string;
  let otherKey: string;
  const receiver = new ScriptedReceiver();
  const slack = new SlackWebhookSandbox();
  let receiverUrl: string;
  /** Every response body, to assert no secret ever left in one. */
  const bodies: string[] = [];

  const api = async (method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, as = key) => {
    const res = await request(`${app.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${as}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    bodies.push(text);
    return { status: res.statusCode, json: (text ? JSON.parse(text) : undefined) as any };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    receiverUrl = await receiver.start();
    await slack.start();
    const env = parseEnv(
      envSchema,
      { DATABASE_URL: db.url, HOST: '127.0.0.1', LOG_LEVEL: 'silent', JUNCTION_KEK: TEST_KEK, HEALTH_CHECKS_ENABLED: 'false', ALERT_DELIVERY_POLL_MS: '50', ALERT_DELIVERY_BASE_DELAY_MS: '20' },
      'metrics-aggregator',
    );
    app = await startApp(metricsAggregator, env, { bus: new MemoryTransport(new MemoryBroker()), port: 0 });
    const keys = app.app.get(ApiKeyService);
    key = (await keys.create({ tenantId: TENANT, actor: 'test' }, { name: 'ops', scopes: ['admin'] })).key;
    otherKey = (await keys.create({ tenantId: OTHER, actor: 'test' }, { name: 'ops', scopes: ['admin'] })).key;
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
    await receiver.stop();
    await slack.stop();
    await db?.drop();
  }, 30_000);

  it('webhook channel: the generated whsec_ secret is shown once, never listed; the test message verifies', async () => {
    const created = await api('POST', '/alert-channels', { kind: 'webhook', name: 'pager', url: receiverUrl });
    expect(created.status).toBe(201);
    expect(created.json.channel).toMatchObject({ name: 'pager', kind: 'webhook', target: receiverUrl, enabled: true });
    const secret = created.json.signingSecret as string;
    expect(secret).toMatch(/^whsec_/);

    const list = await api('GET', '/alert-channels');
    expect(list.json.items).toEqual([expect.objectContaining({ id: created.json.channel.id, target: receiverUrl })]);
    expect(JSON.stringify(list.json)).not.toContain(secret.slice(6));

    const test = await api('POST', `/alert-channels/${created.json.channel.id}/test`);
    expect(test.json).toMatchObject({ ok: true, status: 200, error: null });
    const [req] = receiver.received;
    const verified = new Webhook(secret).verify(req!.body, req!.headers as Record<string, string>) as { type: string; data: { channel: { name: string } } };
    expect(verified).toMatchObject({ type: 'ops.alert.test', data: { channel: { name: 'pager' } } });

    const given = await api('POST', '/alert-channels', { kind: 'webhook', name: 'given secret', url: receiverUrl, secret: `whsec_${Buffer.alloc(32, 3).toString('base64')}` });
    expect(given.status).toBe(201);
    expect(given.json.signingSecret).toBeUndefined();
  });

  it('Slack channel: the URL is only shown masked; the test message reaches the sandbox; a removed hook reports 404 no_service', async () => {
    const { url, hook } = slack.createHook('#ops');
    const created = await api('POST', '/alert-channels', { kind: 'slack', name: 'slack', webhookUrl: url });
    expect(created.status).toBe(201);
    expect(created.json.channel.target).toMatch(/\/services\/T\*\*\*$/);
    const ok = await api('POST', `/alert-channels/${created.json.channel.id}/test`);
    expect(ok.json).toMatchObject({ ok: true, status: 200 });
    expect(slack.messagesFor(hook.id)[0]!.text).toContain('Test message from Junction');
    slack.setHookState(hook.id, 'revoked');
    const gone = await api('POST', `/alert-channels/${created.json.channel.id}/test`);
    expect(gone.json).toMatchObject({ ok: false, status: 404, error: 'HTTP 404: no_service' });
    for (const body of bodies) expect(body).not.toContain(hook.secret);
  });

  it('rejects bad input with stable codes and without quoting the URL', async () => {
    const secretish = 'http://hooks.slack.com/services/T1/B2/NeverEchoThis';
    const cases: [unknown, number, string][] = [
      [{ kind: 'slack', name: 'x', webhookUrl: secretish }, 400, 'INVALID_URL'],
      [{ kind: 'webhook', name: 'x', url: 'http://example.com/hook' }, 400, 'INVALID_URL'],
      [{ kind: 'webhook', name: 'x', url: 'https://user:pw@example.com/hook' }, 400, 'INVALID_URL'],
      [{ kind: 'webhook', name: 'x', url: 'https://example.com/hook', secret: 'whsec_tooshort' }, 400, 'INVALID_SECRET'],
      [{ kind: 'email', name: 'x' }, 400, 'VALIDATION_FAILED'],
      [{ kind: 'webhook', name: 'x', url: 'https://example.com/hook', extra: 1 }, 400, 'VALIDATION_FAILED'],
      [{ kind: 'webhook', name: 'pager', url: 'https://example.com/hook' }, 409, 'CHANNEL_NAME_TAKEN'],
    ];
    for (const [body, status, code] of cases) {
      const res = await api('POST', '/alert-channels', body);
      expect([res.status, res.json.code]).toEqual([status, code]);
      expect(typeof res.json.message).toBe('string');
    }
    expect(bodies.filter((b) => b.includes('NeverEchoThis'))).toEqual([]);
  });

  it('is tenant-scoped and needs an admin key', async () => {
    const [mine] = (await api('GET', '/alert-channels')).json.items as { id: string }[];
    expect((await api('GET', '/alert-channels', undefined, otherKey)).json.items).toEqual([]);
    expect((await api('POST', `/alert-channels/${mine!.id}/test`, undefined, otherKey)).json.code).toBe('CHANNEL_NOT_FOUND');
    expect((await api('DELETE', `/alert-channels/${mine!.id}`, undefined, otherKey)).status).toBe(404);
    expect((await api('GET', '/alert-channels', undefined, 'jk_nope')).status).toBe(401);
  });

  it('the app’s delivery loop delivers a pending row and counts it in /metrics', async () => {
    const pager = ((await api('GET', '/alert-channels')).json.items as { id: string; name: string }[]).find((c) => c.name === 'pager')!;
    receiver.reset();
    const { deliveries } = await insertAlertWithDeliveries(db.prisma, TENANT, [pager.id], 'resolved');
    await waitUntil(async () => (await db.prisma.alertDelivery.findUniqueOrThrow({ where: { id: deliveries[0]!.id } })).status === 'delivered', 10_000, 'the delivery');
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: 'ops.alert.resolved' });
    const metrics = await (await request(`${app.url}/metrics`)).body.text();
    expect(metrics).toContain('junction_alert_deliveries_total{kind="webhook",outcome="delivered"} 1');
  });

  it('DELETE removes the channel, its sealed secret and its deliveries; audited', async () => {
    const pager = ((await api('GET', '/alert-channels')).json.items as { id: string; name: string }[]).find((c) => c.name === 'pager')!;
    const row = await db.prisma.alertChannel.findUniqueOrThrow({ where: { id: pager.id } });
    expect((await api('DELETE', `/alert-channels/${pager.id}`)).status).toBe(204);
    expect((await api('DELETE', `/alert-channels/${pager.id}`)).json.code).toBe('CHANNEL_NOT_FOUND');
    expect(await db.prisma.credential.count({ where: { id: row.credentialId! } })).toBe(0);
    expect(await db.prisma.alertDelivery.count({ where: { channelId: pager.id } })).toBe(0);
    const audit = await db.prisma.auditEvent.findMany({ where: { tenantId: TENANT, action: { startsWith: 'alert-channel.' } } });
    expect(audit.map((a) => a.action).sort()).toEqual(['alert-channel.created', 'alert-channel.created', 'alert-channel.created', 'alert-channel.removed']);
  });
});
