import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageOf } from '@junction/contracts';
import { RabbitMqTransport, type DeliveredMessage } from '@junction/messaging';
import { ApiKeyRepository, AuditEventRepository } from '@junction/persistence';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, rabbitMqReachable, startAppProcess, testRabbitMqUrl, waitUntil, type AppProcess, type TestDatabase } from '@junction/testing';
import { ApiKeyService, shopifyOrdersCreateRoute } from '@junction/webhooks';
import { adversarialCorpus, send, type CorpusTargets } from './support/adversarial-corpus';
import { frappeRequest, genericOptions, genericRequest, githubRequest, post, shopifyRequest, slackRequest, standardWebhooksRequest, stripeRequest } from './support/webhook-signers';

/**
 * webhook-ingress as a provider meets it: a separate process on RabbitMQ and Postgres, endpoints created through
 * the admin API, requests signed by the providers' own libraries. Effects are counted on the broker (an observer
 * subscription on webhooks.received and erp.commands) and in the database.
 */
const describeIfBroker = rabbitMqReachable('the webhook ingress end-to-end test') ? describe : describe.skip;

type Received = MessageOf<'webhooks.received'>;

describeIfBroker('webhook ingress: verified, deduplicated, durable, routed', () => {
  const run = randomUUID().slice(0, 8);
  const observer = new RabbitMqTransport({ url: testRabbitMqUrl, connectionName: `e2e-webhooks-observer-${run}` });
  const received: DeliveredMessage[] = [];
  const commands: DeliveredMessage[] = [];
  const kek = formatKeyEntry('e2e-1', randomBytes(32));
  const secrets: CorpusTargets['secrets'] = {
    stripe: `whsec_${randomBytes(24).toString('hex')}`,
    github: randomBytes(20).toString('hex'),
    shopify: randomBytes(16).toString('hex'),
    slack: randomBytes(16).toString('hex'),
    svix: `whsec_${randomBytes(24).toString('base64')}`,
    frappe: randomBytes(16).toString('hex'),
    acme: randomBytes(32).toString('hex'),
  };
  const ids: CorpusTargets['ids'] = { stripe: `stripe-${run}`, github: `github-${run}`, shopify: `shopify-${run}`, slack: `slack-${run}`, svix: `svix-${run}`, frappe: `frappe-${run}`, acme: `acme-${run}`, small: `small-${run}`, limited: `limited-${run}` };
  let db: TestDatabase;
  let ingress: AppProcess;
  let adminKey: string;

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${ingress.url}/admin/webhook-endpoints${path}`, {
      method,
      headers: { authorization: `Bearer ${adminKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const json = res.status === 204 ? {} : ((await res.json()) as Record<string, unknown>);
    if (res.status >= 300) throw new Error(`admin ${method} ${path}: ${res.status} ${JSON.stringify(json)}`);
    return json;
  };
  const urlOf = (key: keyof CorpusTargets['ids'], provider: string = key) => `${ingress.url}/webhooks/${provider}/${ids[key]}`;
  const receivedFor = (eventId: string) => received.filter((m) => (m.body as Received).payload.eventId === eventId);

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    db = await createTestDatabase();
    const apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
    adminKey = (await apiKeys.create({ tenantId: 'e2e', actor: 'e2e' }, { name: 'e2e admin', scopes: ['admin'] })).key;
    ingress = await startAppProcess('dist/apps/webhook-ingress/main.js', { BUS: 'rabbitmq', RABBITMQ_URL: testRabbitMqUrl, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', JUNCTION_KEK: kek, TENANT_ID: 'e2e' });
    await observer.connect();
    const collect = (into: DeliveredMessage[]) => async (m: DeliveredMessage) => {
      into.push(m);
      return { action: 'complete' as const };
    };
    await observer.subscribe({ topic: 'webhooks.received', subscription: `e2e-webhooks-${run}`, types: ['webhooks.received'], maxDeliveryCount: 3, concurrency: 8 }, collect(received));
    await observer.subscribe({ topic: 'erp.commands', subscription: `e2e-webhook-commands-${run}`, types: ['erp.sales-order.create'], maxDeliveryCount: 3, concurrency: 4 }, collect(commands));

    const create = (id: string, provider: string, scheme: string, secret: string, extra: Record<string, unknown> = {}) => admin('POST', '', { id, provider, scheme, secrets: [secret], ...extra });
    await create(ids.stripe, 'stripe', 'stripe', secrets.stripe);
    await create(ids.github, 'github', 'github', secrets.github);
    await create(ids.shopify, 'shopify', 'shopify', secrets.shopify, { routes: [shopifyOrdersCreateRoute] });
    await create(ids.slack, 'slack', 'slack', secrets.slack);
    await create(ids.svix, 'svix', 'standard-webhooks', secrets.svix);
    await create(ids.frappe, 'frappe', 'frappe', secrets.frappe);
    await create(ids.acme, 'acme', 'generic-hmac', secrets.acme, { schemeOptions: genericOptions });
    await create(ids.small, 'svix', 'standard-webhooks', secrets.svix, { bodyLimitBytes: 4_096 });
    await create(ids.limited, 'svix', 'standard-webhooks', secrets.svix, { rateLimit: { perSecond: 0.01, burst: 3 } });
  }, 120_000);

  afterAll(async () => {
    const code = await ingress?.stop();
    await observer.close();
    await db?.drop();
    expect(code).toBe(0);
  }, 60_000);

  it.each([
    ['stripe', async () => stripeRequest(secrets.stripe, { id: `evt_${run}_1`, type: 'invoice.paid' }), `evt_${run}_1`, 'invoice.paid'],
    ['github', async () => githubRequest(secrets.github, 'issues', { action: 'opened', issue: { number: 1 } }, `gh-${run}`), `gh-${run}`, 'issues.opened'],
    ['shopify', async () => shopifyRequest(secrets.shopify, 'products/update', { id: 7 }, `shop-${run}`), `shop-${run}`, 'products/update'],
    ['slack', async () => slackRequest(secrets.slack, { type: 'event_callback', event_id: `Ev${run}`, event: { type: 'app_mention' } }), `Ev${run}`, 'app_mention'],
    ['svix', async () => standardWebhooksRequest(secrets.svix, { type: 'user.created' }, { id: `msg_${run}` }), `msg_${run}`, 'user.created'],
    ['frappe', async () => frappeRequest(secrets.frappe, { doctype: 'Sales Order', name: 'SO-0001', modified: '2026-11-21 10:00:00.000000' }), 'Sales Order/SO-0001@2026-11-21 10:00:00.000000', 'Sales Order'],
    ['acme', async () => genericRequest(secrets.acme, { event: 'thing.happened' }, { id: `acme-${run}` }), `acme-${run}`, 'thing.happened'],
  ] as const)('%s: a signed delivery is accepted once, its replay is a duplicate, and one webhooks.received is published', async (key, make, eventId, eventType) => {
    const request = await make();
    const first = await post(urlOf(key), request);
    expect(first).toMatchObject({ status: 200, body: { eventId, duplicate: false } });
    const replay = await post(urlOf(key), request);
    expect(replay).toMatchObject({ status: 200, body: { eventId, duplicate: true } });

    await waitUntil(() => receivedFor(eventId).length > 0, 10_000, `webhooks.received for ${key}`);
    await new Promise((r) => setTimeout(r, 300));
    expect(receivedFor(eventId)).toHaveLength(1);
    const message = receivedFor(eventId)[0]!.body as Received;
    expect(message).toMatchObject({ tenantId: 'e2e', payload: { endpointId: ids[key], provider: key, eventId, eventType, payload: JSON.parse(request.body) as unknown } });
    expect(JSON.stringify(message.payload.headers)).not.toMatch(/signature|hmac/i);
  });

  it('accepts Standard Webhooks sent with svix-* headers', async () => {
    const request = standardWebhooksRequest(secrets.svix, { type: 'svix.style' }, { svix: true, id: `msg_svix_${run}` });
    expect(await post(urlOf('svix'), request)).toMatchObject({ status: 200, body: { eventId: `msg_svix_${run}`, duplicate: false } });
  });

  it('stores and publishes a payload as received, an escaped NUL and a lone surrogate included', async () => {
    const eventId = `msg_odd_${run}`;
    const request = standardWebhooksRequest(secrets.svix, { type: 'odd.text', name: 'a\u0000b\ud800' }, { id: eventId });
    expect(request.body).toContain('a\\u0000b\\ud800');
    expect(await post(urlOf('svix'), request)).toMatchObject({ status: 200, body: { eventId, duplicate: false } });
    await waitUntil(() => receivedFor(eventId).length > 0, 10_000, 'webhooks.received for the odd payload');
    expect((receivedFor(eventId)[0]!.body as Received).payload.payload).toEqual({ type: 'odd.text', name: 'a\u0000b\ud800' });
  });

  it("answers Slack's url_verification challenge without storing it", async () => {
    const res = await post(urlOf('slack'), slackRequest(secrets.slack, { type: 'url_verification', challenge: `challenge-${run}`, token: 'x' }));
    expect(res).toMatchObject({ status: 200, body: { challenge: `challenge-${run}` } });
  });

  it('rotates a secret: old and new both verify until the old one expires', async () => {
    const newSecret = `whsec_${randomBytes(24).toString('hex')}`;
    await admin('POST', `/${ids.stripe}/secrets`, { secret: newSecret, expirePreviousAfterSeconds: 3_600 });
    await new Promise((r) => setTimeout(r, 5_200)); // the ingress caches an endpoint for 5 s
    for (const [name, secret] of [['old', secrets.stripe], ['new', newSecret]] as const) {
      const res = await post(urlOf('stripe'), stripeRequest(secret, { id: `evt_${run}_rot_${name}`, type: 'invoice.paid' }));
      expect(res).toMatchObject({ status: 200, body: { duplicate: false } });
    }
  }, 20_000);

  it('routes Shopify orders/create to one erp.sales-order.create command', async () => {
    const order = JSON.parse(readFileSync(join(__dirname, '../../libs/webhooks/src/routing/examples/shopify-orders-create.fixture.json'), 'utf8')) as { id: number };
    const request = shopifyRequest(secrets.shopify, 'orders/create', order, `order-${run}`);
    expect(await post(urlOf('shopify'), request)).toMatchObject({ status: 200, body: { duplicate: false } });
    await waitUntil(() => commands.some((c) => (c.body as MessageOf<'erp.sales-order.create'>).payload.externalRef === `shopify:${order.id}`), 15_000, 'erp.sales-order.create');
    await new Promise((r) => setTimeout(r, 300));
    const mine = commands.filter((c) => (c.body as MessageOf<'erp.sales-order.create'>).payload.externalRef === `shopify:${order.id}`);
    expect(mine).toHaveLength(1);
    expect((mine[0]!.body as MessageOf<'erp.sales-order.create'>).payload.items.length).toBeGreaterThan(0);
  }, 30_000);

  it('refuses an adversarial corpus of 200+ bad requests with the documented 4xx, stores and publishes nothing', async () => {
    const corpus = await adversarialCorpus({ baseUrl: ingress.url, secrets, ids });
    expect(corpus.length).toBeGreaterThanOrEqual(200);
    const inboxBefore = await db.prisma.inboxMessage.count();
    const publishedBefore = received.length;
    // Rejections are sampled and aggregated per endpoint and code: the rows' counts add up to the requests.
    const rejected = async () => {
      const [row] = await db.prisma.$queryRaw<Array<{ rows: bigint; requests: bigint }>>`
        SELECT count(*) AS rows, coalesce(sum(coalesce(("detail"->>'count')::int, 1)), 0) AS requests FROM "audit_event" WHERE "action" = 'webhook.rejected'`;
      return { rows: Number(row!.rows), requests: Number(row!.requests) };
    };
    const auditBefore = await rejected();
    const mismatches: string[] = [];
    for (const bad of corpus) {
      const res = await send(ingress.url, bad);
      if (res.status >= 500) mismatches.push(`5xx! ${bad.name}: ${res.status} ${JSON.stringify(res.body)}`);
      else if (res.status !== bad.status || res.body.code !== bad.code) mismatches.push(`${bad.name}: expected ${bad.status} ${bad.code}, got ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`);
      if (res.status === 429 && !res.headers['retry-after']) mismatches.push(`${bad.name}: 429 without Retry-After`);
    }
    expect(mismatches).toEqual([]);
    // Aggregate rows are written every 10 s.
    await waitUntil(async () => (await rejected()).requests - auditBefore.requests >= corpus.length, 15_000, 'audit rows');
    const audited = await rejected();
    expect(audited.requests - auditBefore.requests).toBe(corpus.length);
    expect(audited.rows - auditBefore.rows).toBeLessThan(corpus.length);
    await new Promise((r) => setTimeout(r, 500));
    expect(await db.prisma.inboxMessage.count()).toBe(inboxBefore);
    expect(received.length).toBe(publishedBefore);
    expect((await fetch(`${ingress.url}/health/ready`)).status).toBe(200);
  }, 120_000);
});
