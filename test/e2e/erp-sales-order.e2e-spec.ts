import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AnyMessage } from '@junction/contracts';
import { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import { RabbitMqTransport, type DeliveredMessage } from '@junction/messaging';
import { ApiKeyRepository, AuditEventRepository } from '@junction/persistence';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, rabbitMqCtlAvailable, rabbitMqReachable, startAppProcess, testRabbitMqUrl, waitUntil, type AppProcess, type TestDatabase } from '@junction/testing';
import { ApiKeyService, shopifyOrdersCreateRoute } from '@junction/webhooks';
import { post, shopifyRequest } from './support/webhook-signers';

/**
 * The shipped Shopify route end to end, as a merchant's integration runs it: webhook-ingress and erp-worker as built
 * processes on RabbitMQ and Postgres, the Shopify endpoint created through the admin API with the example route, the
 * webhook signed with Shopify's own helper (getHmac), ERPNext played by the sandbox started here. Assertions are on
 * what the sandbox holds and on the events that came back over the broker.
 */
const describeIfBroker = rabbitMqReachable('the erp sales-order end-to-end test') ? describe : describe.skip;

type Order = { id: number; admin_graphql_api_id: string; line_items: Array<{ sku: string | null; variant_id: number | null }> };

describeIfBroker('erp.sales-order.create: Shopify orders/create → one Sales Order in ERPNext', () => {
  const run = randomUUID().slice(0, 8);
  const sandbox = new ErpNextSandbox({ apiKey: 'e2e-key', apiSecret: 'e2e-secret-value' });
  const shopifySecret = randomBytes(16).toString('hex');
  const endpointId = `shopify-${run}`;
  const events: DeliveredMessage[] = [];
  let vhost: { url: string; drop: () => void };
  let observer: RabbitMqTransport;
  let db: TestDatabase;
  let worker: AppProcess;
  let ingress: AppProcess;
  let adminKey: string;

  /** The fixture order under an id of this run (the broker's queues and the sandbox outlive nothing, but be unique anyway). */
  const order = (): Order => {
    const fixture = JSON.parse(readFileSync(join(__dirname, '../../libs/webhooks/src/routing/examples/shopify-orders-create.fixture.json'), 'utf8')) as Order;
    const id = 7_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
    return { ...fixture, id, admin_graphql_api_id: `gid://shopify/Order/${id}` };
  };
  const ordersFor = (externalRef: string) => sandbox.documents('Sales Order').filter((o) => o.po_no === externalRef);
  const answers = (externalRef: string) =>
    events.map((e) => e.body as AnyMessage).filter((m) => m.type.startsWith('erp.sales-order.create') && (m.payload as { externalRef?: string }).externalRef === externalRef);
  const webhook = (body: Order, eventId: string) => post(`${ingress.url}/webhooks/shopify/${endpointId}`, shopifyRequest(shopifySecret, 'orders/create', body, eventId));

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    vhost = ownVhost(`junction-e2e-erp-${run}`);
    observer = new RabbitMqTransport({ url: vhost.url, connectionName: `e2e-erp-observer-${run}` });
    db = await createTestDatabase();
    const { url: erpUrl } = await sandbox.start();
    // The items the fixture sells (by SKU, else SHOPIFY-<variant id>), as the merchant keeps them in ERPNext.
    const erp = new ErpNextClient({ baseUrl: erpUrl, apiKey: 'e2e-key', apiSecret: 'e2e-secret-value' });
    for (const line of order().line_items) {
      const itemCode = line.sku?.trim() ? line.sku.trim() : `SHOPIFY-${line.variant_id}`;
      if (!sandbox.documents('Item').some((i) => i.name === itemCode)) await erp.insertDoc('Item', { item_code: itemCode, item_group: 'Products', stock_uom: 'Nos' });
    }
    const apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
    adminKey = (await apiKeys.create({ tenantId: 'e2e', actor: 'e2e' }, { name: 'e2e admin', scopes: ['admin'] })).key;
    const env = { BUS: 'rabbitmq', RABBITMQ_URL: vhost.url, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', TENANT_ID: 'e2e', MAX_DELIVERY_COUNT: '5' };
    [worker, ingress] = await Promise.all([
      startAppProcess('dist/apps/erp-worker/main.js', { ...env, ERPNEXT_URL: erpUrl, ERPNEXT_API_KEY: 'e2e-key', ERPNEXT_API_SECRET: 'e2e-secret-value' }),
      startAppProcess('dist/apps/webhook-ingress/main.js', { ...env, JUNCTION_KEK: formatKeyEntry('e2e-1', randomBytes(32)) }),
    ]);
    await observer.connect();
    await observer.subscribe(
      { topic: 'erp.events', subscription: `e2e-erp-observer-${run}`, types: ['erp.sales-order.created', 'erp.sales-order.create.failed'], maxDeliveryCount: 3, concurrency: 4 },
      async (m) => {
        events.push(m);
        return { action: 'complete' };
      },
    );
    const res = await fetch(`${ingress.url}/admin/webhook-endpoints`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id: endpointId, provider: 'shopify', scheme: 'shopify', secrets: [shopifySecret], routes: [shopifyOrdersCreateRoute] }),
    });
    expect(res.status).toBeLessThan(300);
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all([worker?.stop(), ingress?.stop()]);
    await observer?.close();
    await sandbox.stop();
    await db?.drop();
    vhost?.drop();
    expect(codes).toEqual([0, 0]);
  }, 60_000);

  it('a signed orders/create webhook, delivered twice, ends as exactly one Sales Order and its customer', async () => {
    const body = order();
    const externalRef = `shopify:${body.id}`;
    const eventId = `order-${run}-1`;
    expect(await webhook(body, eventId)).toMatchObject({ status: 200, body: { duplicate: false } });
    expect(await webhook(body, eventId)).toMatchObject({ status: 200, body: { duplicate: true } }); // Shopify's retry

    await waitUntil(() => answers(externalRef).length > 0, 30_000, 'erp.sales-order.created');
    const [so] = ordersFor(externalRef);
    expect(so).toMatchObject({ customer: 'Shipping Company', currency: 'USD', docstatus: 0, transaction_date: '2021-12-31' });
    expect((so!.items as Array<{ item_code: string }>).map((i) => i.item_code)).toEqual(['IPOD2008PINK', 'SHOPIFY-44236723191988']);
    expect(sandbox.documents('Customer').filter((c) => c.customer_name === 'Shipping Company')).toHaveLength(1);
    const [answer] = answers(externalRef);
    expect(answer).toMatchObject({ type: 'erp.sales-order.created', tenantId: 'e2e', payload: { erpName: so!.name, customerCreated: true, alreadyExisted: false } });

    await new Promise((r) => setTimeout(r, 500)); // nothing more arrives
    expect(ordersFor(externalRef)).toHaveLength(1);
    expect(answers(externalRef)).toHaveLength(1);
  }, 60_000);

  it('the same order sent again as a new event (a replay with another event id) still leaves one Sales Order', async () => {
    const body = order();
    const externalRef = `shopify:${body.id}`;
    expect(await webhook(body, `order-${run}-2a`)).toMatchObject({ status: 200, body: { duplicate: false } });
    await waitUntil(() => answers(externalRef).length > 0, 30_000, 'first erp.sales-order.created');
    expect(await webhook(body, `order-${run}-2b`)).toMatchObject({ status: 200, body: { duplicate: false } });
    await waitUntil(() => answers(externalRef).length > 1, 30_000, 'second erp.sales-order.created');

    expect(ordersFor(externalRef)).toHaveLength(1);
    expect(answers(externalRef).map((m) => (m.payload as { alreadyExisted: boolean }).alreadyExisted).sort()).toEqual([false, true]);
    // The customer exists since the first test: found, not created again.
    expect(sandbox.documents('Customer').filter((c) => c.customer_name === 'Shipping Company')).toHaveLength(1);
  }, 60_000);
});

/** A vhost of its own (rabbitmqctl on the broker's machine), so no other erp-worker on the broker takes these commands. */
function ownVhost(name: string): { url: string; drop: () => void } {
  if (!rabbitMqCtlAvailable()) return { url: testRabbitMqUrl, drop: () => {} };
  const user = decodeURIComponent(new URL(testRabbitMqUrl).username || 'guest');
  const ctl = (args: string[]) => execFileSync('rabbitmqctl', args, { stdio: 'ignore', timeout: 60_000 });
  ctl(['add_vhost', name]);
  ctl(['set_permissions', '-p', name, user, '.*', '.*', '.*']);
  return { url: `${testRabbitMqUrl.replace(/\/+$/, '')}/${encodeURIComponent(name)}`, drop: () => ctl(['delete_vhost', name]) };
}
