import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { RabbitMqTransport, toOutgoing, type DeliveredMessage } from '@junction/messaging';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, rabbitMqCtlAvailable, rabbitMqReachable, startAppProcess, startMcpHttpEntry, testRabbitMqUrl, waitUntil, type AppProcess, type TestDatabase } from '@junction/testing';

/**
 * ERPNext over MCP as an operator runs it: the built ERPNext MCP server as its own process on Streamable HTTP (wrapping
 * an ERPNext site, played by the sandbox started here), a connection of transport mcp added with the built CLI, and
 * the built erp-worker on RabbitMQ and Postgres with JUNCTION_KEK. A published erp.customer.create is answered over
 * the broker, and the customer is in the site behind the MCP server, once.
 */
const describeIfBroker = rabbitMqReachable('the erp-worker over MCP end-to-end test') ? describe : describe.skip;

const MCP_ENTRY = 'dist/libs/connectors/erpnext/src/mcp/erpnext-mcp.main.js';
const TENANT = 'e2e-mcp';
const SITE_KEY = 'site-key';
const SITE_SECRET = 'site-secret-value';

describeIfBroker('erp-worker over MCP (built processes: ERPNext MCP server on Streamable HTTP, CLI, erp-worker on RabbitMQ)', () => {
  const run = randomUUID().slice(0, 8);
  const site = new ErpNextSandbox({ apiKey: SITE_KEY, apiSecret: SITE_SECRET });
  const events: DeliveredMessage[] = [];
  const kek = formatKeyEntry('e2e-1', randomBytes(32));
  let vhost: { url: string; drop: () => void };
  let observer: RabbitMqTransport;
  let db: TestDatabase;
  let mcpServer: AppProcess | undefined;
  let worker: AppProcess;
  let connectionId: string;

  const answersTo = (id: string) => events.map((e) => e.body as AnyMessage).filter((m) => m.causationId === id);
  const customersNamed = (name: string) => site.documents('Customer').filter((c) => c.customer_name === name);
  const created = (name: string) => site.ledger.filter((e) => e.doctype === 'Customer' && e.action === 'created' && e.name === name);

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    vhost = ownVhost(`junction-e2e-erp-mcp-${run}`);
    db = await createTestDatabase();
    await site.start();
    // The built ERPNext MCP server in `http` mode on a free port, ready once it prints its URL.
    mcpServer = await startMcpHttpEntry(MCP_ENTRY, 'ERPNext MCP sandbox', { ERPNEXT_URL: site.url, ERPNEXT_API_KEY: SITE_KEY, ERPNEXT_API_SECRET: SITE_SECRET }, 20_000);

    // The connection, as an operator adds it (the credential only through a variable; api_key goes in X-API-Key).
    const added = execFileSync(
      process.execPath,
      [
        'dist/apps/cli/main.js',
        ...['connections', 'add', '--type', 'erpnext', '--name', 'erp-over-mcp', '--auth', 'api_key', '--credential-env', 'ERP_MCP_CRED', '--json'],
        ...['--config', JSON.stringify({ transport: 'mcp', mcp: { url: mcpServer.url } })],
      ],
      { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', DATABASE_URL: db.url, JUNCTION_KEK: kek, TENANT_ID: TENANT, ERP_MCP_CRED: JSON.stringify({ apiKey: 'mcp-gateway-key' }) } },
    );
    const view = JSON.parse(added) as { id: string; isDefault: boolean; config: Record<string, unknown> };
    expect(view).toMatchObject({ isDefault: true, config: { transport: 'mcp', mcp: { url: mcpServer.url } } });
    connectionId = view.id;

    worker = await startAppProcess('dist/apps/erp-worker/main.js', {
      BUS: 'rabbitmq',
      RABBITMQ_URL: vhost.url,
      DATABASE_URL: db.url,
      PORT: '0',
      HOST: '127.0.0.1',
      TENANT_ID: TENANT,
      JUNCTION_KEK: kek,
      // No ERPNEXT_*: the worker's own in-process sandbox serves tenants without a connection, never this one.
      ERPNEXT_SANDBOX_PORT: '0',
      MAX_DELIVERY_COUNT: '5',
    });
    observer = new RabbitMqTransport({ url: vhost.url, connectionName: `e2e-erp-mcp-observer-${run}` });
    await observer.connect();
    await observer.subscribe(
      { topic: 'erp.events', subscription: `e2e-erp-mcp-observer-${run}`, types: ['erp.customer.created', 'erp.customer.create.failed'], maxDeliveryCount: 3, concurrency: 4 },
      async (m) => {
        events.push(m);
        return { action: 'complete' };
      },
    );
  }, 180_000);

  afterAll(async () => {
    const code = await worker?.stop();
    await observer?.close();
    await mcpServer?.stop();
    await site.stop();
    await db?.drop();
    vhost?.drop();
    expect(code).toBe(0);
  }, 60_000);

  it('a published erp.customer.create, delivered twice, is answered once with erp.customer.created and creates one Customer behind the MCP server', async () => {
    const name = `MCP Customer ${run}`;
    const command = createMessage('erp.customer.create', { customerName: name, customerType: 'Company', email: `ops-${run}@example.com` }, { tenantId: TENANT });
    await observer.publish([toOutgoing(command), toOutgoing(command)]); // the producer's retry: same message id

    await waitUntil(() => answersTo(command.id).length > 0, 30_000, 'erp.customer.created');
    await new Promise((r) => setTimeout(r, 500)); // room for a wrong second answer or write
    expect(answersTo(command.id)).toEqual([
      expect.objectContaining({ type: 'erp.customer.created', tenantId: TENANT, payload: expect.objectContaining({ commandId: command.id, customerName: name, erpName: name, alreadyExisted: false }) }),
    ]);
    expect(customersNamed(name)).toHaveLength(1);
    expect(created(name)).toHaveLength(1);
    // The site was reached by the MCP server (its REST client), with the site's own token, not by the worker.
    expect(site.requests.some((r) => r.method === 'POST' && r.path === '/api/resource/Customer' && r.status === 200)).toBe(true);
  }, 60_000);

  it('a second command for the same customer finds it through the MCP server instead of creating another', async () => {
    const name = `MCP Repeat ${run}`;
    const first = createMessage('erp.customer.create', { customerName: name, customerType: 'Individual' }, { tenantId: TENANT, connectionId });
    await observer.publish([toOutgoing(first)]);
    await waitUntil(() => answersTo(first.id).length > 0, 30_000, 'the first erp.customer.created');
    const second = createMessage('erp.customer.create', { customerName: name, customerType: 'Individual' }, { tenantId: TENANT, connectionId });
    await observer.publish([toOutgoing(second)]);
    await waitUntil(() => answersTo(second.id).length > 0, 30_000, 'the second erp.customer.created');

    expect(answersTo(first.id).map((m) => [m.type, (m.payload as { alreadyExisted: boolean }).alreadyExisted])).toEqual([['erp.customer.created', false]]);
    expect(answersTo(second.id).map((m) => [m.type, (m.payload as { alreadyExisted: boolean }).alreadyExisted])).toEqual([['erp.customer.created', true]]);
    expect(created(name)).toHaveLength(1);
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
