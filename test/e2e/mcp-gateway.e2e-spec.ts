import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { INTEGRATION_TYPES } from '@junction/integrations';
import { ApiKeyRepository, AuditEventRepository, type Connection } from '@junction/persistence';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, processAlive, rabbitMqReachable, serverEverythingStdio, startAppProcess, testRabbitMqUrl, waitUntil, type AppProcess, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';

const describeIfBroker = rabbitMqReachable('the mcp-gateway end-to-end test') ? describe : describe.skip;

/** The processes a process started and still runs (its stdio MCP servers). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((l) => Number(l.trim())).filter((n) => n > 0);
  } catch {
    return []; // ps exits 1 when there are none
  }
}

/**
 * The built mcp-gateway (two replicas) and erp-worker on RabbitMQ and Postgres against the ERPNext sandbox, driven by
 * the MCP SDK's own client over Streamable HTTP: a tool call creates a Customer in ERPNext and returns the
 * erp.customer.created event, whichever replica consumed it. The gateways also hold the tenant's MCP connection (the
 * reference server over stdio): mcp.tool.invoke crosses RabbitMQ to whichever replica, and its tools are federated.
 */
describeIfBroker('mcp-gateway (built processes, MCP SDK client, RabbitMQ, Postgres, ERPNext sandbox)', () => {
  const run = randomUUID().slice(0, 8);
  const sandbox = new ErpNextSandbox({ apiKey: 'e2e-key', apiSecret: 'e2e-secret-value' });
  let db: TestDatabase;
  let worker: AppProcess;
  let gateways: AppProcess[] = [];
  let key: string;
  let everything: Connection;

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
    const mcp = { JUNCTION_KEK: formatKeyEntry('e2e', randomBytes(32)), MCP_STDIO_COMMANDS: process.execPath };
    const mcpType = INTEGRATION_TYPES.find((t) => t.slug === 'mcp-stdio')!;
    await db.prisma.integrationType.create({
      data: { slug: mcpType.slug, name: mcpType.name, kind: mcpType.kind, category: mcpType.category, description: mcpType.description, authMethods: [...mcpType.authMethods], configSchema: mcpType.configSchema as object },
    });
    everything = await db.prisma.connection.create({
      data: { tenantId: 'e2e-mcp', typeSlug: 'mcp-stdio', name: 'everything', authMethod: 'none', config: serverEverythingStdio(), status: 'connected', isDefault: true },
    });
    [worker, ...gateways] = await Promise.all([
      startAppProcess('dist/apps/erp-worker/main.js', { ...env, ERPNEXT_URL: erpUrl, ERPNEXT_API_KEY: 'e2e-key', ERPNEXT_API_SECRET: 'e2e-secret-value' }),
      startAppProcess('dist/apps/mcp-gateway/main.js', { ...env, ...mcp }),
      startAppProcess('dist/apps/mcp-gateway/main.js', { ...env, ...mcp }),
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

  it("calls a tool of the tenant's MCP connection through mcp_tool_invoke (mcp.tool.invoke over RabbitMQ) and as a federated tool", async () => {
    const client = await connect(gateways[0]!);
    try {
      const invoked = (await client.callTool({ name: 'mcp_tool_invoke', arguments: { tool: 'echo', arguments: { message: `via bus ${run}` } } })) as CallToolResult;
      expect(invoked.isError).toBeFalsy();
      expect(invoked.structuredContent).toMatchObject({ connection: everything.id, tool: 'echo', content: [{ type: 'text', text: `Echo: via bus ${run}` }] });

      const failed = (await client.callTool({ name: 'mcp_tool_invoke', arguments: { tool: 'get-sum', arguments: { a: 'two', b: 3 } } })) as CallToolResult;
      expect(failed.isError).toBe(true);
      expect(failed.structuredContent).toMatchObject({ status: 'failed', code: 'MCP_INVALID_ARGUMENTS', eventType: 'mcp.tool.invoke.failed' });

      expect((await client.listTools()).tools.map((t) => t.name)).toEqual(expect.arrayContaining(['erp_customer_create', 'everything__echo', 'everything__get-sum']));
      const federated = (await client.callTool({ name: 'everything__echo', arguments: { message: 'direct' } })) as CallToolResult;
      expect(federated.content).toEqual([{ type: 'text', text: 'Echo: direct' }]);
    } finally {
      await client.close();
    }
  }, 60_000);

  it('ends its stdio MCP servers when a replica stops', async () => {
    const gateway = gateways[0]!;
    const servers = childrenOf(gateway.child.pid!);
    expect(servers.length).toBeGreaterThanOrEqual(1);
    expect(await gateway.stop()).toBe(0);
    await waitUntil(() => servers.every((pid) => childrenOf(gateway.child.pid!).length === 0 && !processAlive(pid)), 10_000, 'the stdio servers gone');
  }, 30_000);
});
