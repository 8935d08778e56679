import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { ApiKeyRepository, AuditEventRepository } from '@junction/persistence';
import { createTestDatabase, rabbitMqReachable, startAppProcess, testRabbitMqUrl, type AppProcess, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';

const describeIfBroker = rabbitMqReachable('the mcp-gateway end-to-end test') ? describe : describe.skip;

/**
 * The built mcp-gateway (two replicas) and erp-worker on RabbitMQ and Postgres against the ERPNext sandbox, driven by
 * the MCP SDK's own client over Streamable HTTP: a tool call creates a Customer in ERPNext and returns the
 * erp.customer.created event, whichever replica consumed it.
 */
describeIfBroker('mcp-gateway (built processes, MCP SDK client, RabbitMQ, Postgres, ERPNext sandbox)', () => {
  const run = randomUUID().slice(0, 8);
  const sandbox = new ErpNextSandbox({ apiKey: 'e2e-key', apiSecret: 'e2e-secret-value' });
  let db: TestDatabase;
  let worker: AppProcess;
  let gateways: AppProcess[] = [];
  let key: string;

  const connect = async (gateway: AppProcess) => {
    const client = new Client({ name: 'e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${key}` } } }));
    return client;
  };

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    db = await createTestDatabase();
    const { url: erpUrl } = await sandbox.start();
    const apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
    key = (await apiKeys.create({ tenantId: 'e2e-mcp', actor: 'e2e' }, { name: 'agent', scopes: ['commands'] })).key;
    const env = { BUS: 'rabbitmq', RABBITMQ_URL: testRabbitMqUrl, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', TENANT_ID: 'e2e-mcp' };
    [worker, ...gateways] = await Promise.all([
      startAppProcess('dist/apps/erp-worker/main.js', { ...env, ERPNEXT_URL: erpUrl, ERPNEXT_API_KEY: 'e2e-key', ERPNEXT_API_SECRET: 'e2e-secret-value' }),
      startAppProcess('dist/apps/mcp-gateway/main.js', env),
      startAppProcess('dist/apps/mcp-gateway/main.js', env),
    ]);
  }, 120_000);

  afterAll(async () => {
    const codes = await Promise.all([worker?.stop(), ...gateways.map((g) => g.stop())]);
    await sandbox.stop();
    await db?.drop();
    expect(codes.every((c) => c === 0)).toBe(true);
  }, 60_000);

  it('creates a customer in ERPNext through a tool call and returns the event, once for a retried call', async () => {
    const customerName = `MCP ${run}`;
    const idempotencyKey = randomUUID();
    const call = async (gateway: AppProcess) => {
      const client = await connect(gateway);
      try {
        return (await client.callTool({ name: 'erp_customer_create', arguments: { customerName, customerType: 'Company', idempotencyKey } })) as CallToolResult;
      } finally {
        await client.close();
      }
    };
    const first = await call(gateways[0]!);
    expect(first.isError).toBeFalsy();
    expect(first.structuredContent).toMatchObject({ commandId: idempotencyKey, customerName, alreadyExisted: false });
    expect(sandbox.documents('Customer').filter((c) => c.customer_name === customerName)).toHaveLength(1);

    // The same call on the other replica: nothing published again, the same answer.
    const again = await call(gateways[1]!);
    expect(again.structuredContent).toEqual(first.structuredContent);
    expect(sandbox.documents('Customer').filter((c) => c.customer_name === customerName)).toHaveLength(1);
    expect(await db.prisma.commandResult.findUnique({ where: { commandId: idempotencyKey } })).toMatchObject({ tenantId: 'e2e-mcp', eventType: 'erp.customer.created', outcome: 'succeeded' });
    expect(await db.prisma.auditEvent.count({ where: { action: 'mcp.tool.called', subject: 'erp_customer_create', outcome: 'ok' } })).toBe(2);
  }, 60_000);

  it('answers an ERPNext refusal as an error result', async () => {
    const client = await connect(gateways[1]!);
    const result = (await client.callTool({ name: 'erp_customer_get', arguments: { customerName: `Nobody ${run}` } })) as CallToolResult;
    await client.close();
    expect(result.isError).toBe(true);
    expect(result.structuredContent).toMatchObject({ status: 'failed', code: 'PROVIDER_NOT_FOUND' });
  }, 60_000);
});
