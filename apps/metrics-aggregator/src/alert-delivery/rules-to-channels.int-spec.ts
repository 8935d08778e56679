import { request } from 'undici';
import { Webhook } from 'standardwebhooks';
import { SlackWebhookSandbox } from '@junction/connectors/slack';
import { MemoryBroker, MemoryTransport, toOutgoing } from '@junction/messaging';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { metricsAggregator } from '../app.definition';
import { envSchema } from '../config/env';
import { callRecord } from '../testing/call-records.fixture';
import { ScriptedReceiver, TEST_KEK } from './testing/alert-delivery.fixture';

const TENANT = 'tenant-rules-to-channels';

/**
 * The whole path in the running app: call records on the bus → metric windows → the rules fire auth_failures → one
 * delivery per channel → a signed webhook and a Slack message; disabling the rule resolves it → both channels hear so.
 */
describe('alerts reach their channels (metrics-aggregator, real Postgres, memory bus)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let key: string;
  const broker = new MemoryBroker();
  const publisher = new MemoryTransport(broker);
  const receiver = new ScriptedReceiver();
  const slack = new SlackWebhookSandbox();

  const api = async (method: 'POST' | 'PUT', path: string, body: unknown) => {
    const res = await request(`${app.url}${path}`, { method, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: res.statusCode, json: (await res.body.json()) as any };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = parseEnv(
      envSchema,
      { DATABASE_URL: db.url, HOST: '127.0.0.1', LOG_LEVEL: 'silent', JUNCTION_KEK: TEST_KEK, ALERT_EVAL_INTERVAL_SECONDS: '1', HEALTH_CHECKS_ENABLED: 'false', ALERT_DELIVERY_POLL_MS: '100' },
      'metrics-aggregator',
    );
    app = await startApp(metricsAggregator, env, { bus: new MemoryTransport(broker), port: 0 });
    await publisher.connect();
    ({ key } = await app.app.get(ApiKeyService).create({ tenantId: TENANT, actor: 'test' }, { name: 'ops', scopes: ['admin'] }));
  }, 60_000);

  afterAll(async () => {
    await publisher.close();
    await app?.stop();
    await receiver.stop();
    await slack.stop();
    await db?.drop();
  }, 30_000);

  it('auth_failures fires and resolves; the webhook (verified) and Slack get both transitions', async () => {
    const receiverUrl = await receiver.start();
    await slack.start();
    const { url: slackUrl, hook } = slack.createHook('#ops');
    const webhook = await api('POST', '/alert-channels', { kind: 'webhook', name: 'pager', url: receiverUrl });
    expect((await api('POST', '/alert-channels', { kind: 'slack', name: 'slack', webhookUrl: slackUrl })).status).toBe(201);
    const secret = webhook.json.signingSecret as string;

    const now = Date.now();
    const calls = Array.from({ length: 3 }, (_, i) => callRecord(TENANT, { latencyMs: 80, outcome: 'auth', httpStatus: 401, provider: 'crm', occurredAt: new Date(now + i).toISOString() }));
    await publisher.publish(calls.map((m) => toOutgoing(m)));
    await waitUntil(() => receiver.received.length >= 1 && slack.messagesFor(hook.id).length >= 1, 20_000, 'the fired alert at both channels');

    const verify = (i: number) => {
      const r = receiver.received[i]!;
      return new Webhook(secret).verify(r.body, r.headers as Record<string, string>) as { type: string; data: { alert: { rule: string; subject: string; status: string } } };
    };
    expect(verify(0)).toMatchObject({ type: 'ops.alert.fired', data: { alert: { rule: 'auth_failures', subject: 'crm/conn-a' } } });
    expect(slack.messagesFor(hook.id)[0]!.text).toMatch(/^🔥 \[CRITICAL\] FIRING: auth_failures on crm\/conn-a/);

    expect((await api('PUT', '/alert-rules/auth_failures', { enabled: false })).status).toBe(200);
    await waitUntil(() => receiver.received.length >= 2 && slack.messagesFor(hook.id).length >= 2, 20_000, 'the resolved alert at both channels');
    expect(verify(1)).toMatchObject({ type: 'ops.alert.resolved', data: { alert: { rule: 'auth_failures', status: 'resolved' } } });
    expect(receiver.received[1]!.headers['webhook-id']).not.toBe(receiver.received[0]!.headers['webhook-id']);
    expect(slack.messagesFor(hook.id)[1]!.text).toMatch(/^✅ \[CRITICAL\] RESOLVED: auth_failures/);

    const deliveries = await db.prisma.alertDelivery.findMany({ where: { alert: { tenantId: TENANT } } });
    expect(deliveries.map((d) => `${d.event}:${d.status}:${d.attempts}`).sort()).toEqual(['fired:delivered:1', 'fired:delivered:1', 'resolved:delivered:1', 'resolved:delivered:1']);
  });
});
