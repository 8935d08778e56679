import { randomUUID } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { createReply, type MessageOf } from '@junction/contracts';
import { MemoryBroker, MemoryTransport, toOutgoing, type DeliveredMessage } from '@junction/messaging';
import { ApiKeyRepository, AuditEventRepository } from '@junction/persistence';
import { defineApp, parseEnv, startApp, type RunningApp } from '@junction/platform';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { type ActorContext, ApiKeyService } from '@junction/webhooks';
import { mcpGateway, mcpGatewayModules } from '../app.definition';
import { mcpGatewayEnvSchema } from '../config/env';
import type { FederatedTools } from './tools/federated-tools';

const TENANT: ActorContext = { tenantId: 'tenant-mcp', actor: 'cli' };
const OTHER: ActorContext = { tenantId: 'tenant-other', actor: 'cli' };

/** A federated tool beside the commands, to prove the seam gets the same allowlist, audit and metrics. */
const federated: FederatedTools & { calls: string[] } = {
  calls: [],
  list: () => Promise.resolve([{ name: 'everything_echo', description: 'echo', inputSchema: { type: 'object', properties: { message: { type: 'string' } } } }]),
  call(tenantId, name, args) {
    this.calls.push(`${tenantId}:${name}`);
    return Promise.resolve({ content: [{ type: 'text', text: String(args.message) }] });
  },
};

/**
 * mcp-gateway as the app starts (startApp: Fastify, memory bus, outbox relay, its consumers) over a real database;
 * a fake erp-worker on the same memory broker answers the commands it publishes, so answers come back through the
 * bus, the command_result consumer and pg_notify exactly as from a real worker.
 */
describe('mcp-gateway /mcp (MCP SDK client, Streamable HTTP, real Postgres, memory bus)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let apiKeys: ApiKeyService;
  let key: string;
  const broker = new MemoryBroker();
  const worker = new MemoryTransport(broker);
  const commands: Array<MessageOf<'erp.customer.create'> | MessageOf<'erp.customer.get'>> = [];
  const clients: Client[] = [];

  const connect = async (apiKey: string | undefined): Promise<Client> => {
    const client = new Client({ name: 'mcp-gateway-int-spec', version: '1.0.0' });
    const transport = new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`), { requestInit: { headers: apiKey ? { authorization: `Bearer ${apiKey}` } : {} } });
    await client.connect(transport);
    clients.push(client);
    return client;
  };
  const newKey = async (over: { mcpTools?: string[]; ctx?: ActorContext } = {}) =>
    (await apiKeys.create(over.ctx ?? TENANT, { name: 'mcp', scopes: ['commands'], ...(over.mcpTools ? { mcpTools: over.mcpTools } : {}) })).key;
  const structured = (result: CallToolResult) => result.structuredContent as Record<string, any>;
  const published = (name: string) => commands.filter((c) => c.payload.customerName === name);

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = parseEnv(
      mcpGatewayEnvSchema,
      {
        DATABASE_URL: db.url,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        MCP_CALL_TIMEOUT_MS: '5000',
        MCP_TOOL_RATE_LIMITS: JSON.stringify({ erp_customer_get: { perMinute: 2 } }),
      },
      'mcp-gateway',
    );
    const definition = defineApp({
      ...mcpGateway,
      imports: (e) => mcpGatewayModules(e, { federatedTools: { useValue: federated } }),
    });
    app = await startApp(definition, env, { bus: new MemoryTransport(broker), port: 0 });
    apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
    key = await newKey();

    // The fake erp-worker: answers by customer name (Fail… → .failed, Slow… → no answer yet, else success).
    await worker.connect();
    await worker.subscribe({ topic: 'erp.commands', subscription: 'fake-erp-worker', types: ['erp.customer.create', 'erp.customer.get'], maxDeliveryCount: 3, concurrency: 4 }, async (d: DeliveredMessage) => {
      const command = d.body as MessageOf<'erp.customer.create'> | MessageOf<'erp.customer.get'>;
      commands.push(command);
      const name = command.payload.customerName;
      if (name.startsWith('Slow')) return { action: 'complete' };
      const answer = name.startsWith('Fail')
        ? createReply(command, `${command.type}.failed` as 'erp.customer.create.failed', {
            commandId: command.id,
            commandType: command.type,
            code: 'PROVIDER_VALIDATION',
            errorClass: 'validation',
            message: 'ERPNext refused the customer group',
            deadLettered: false,
          })
        : createReply(command, 'erp.customer.created', { commandId: command.id, customerName: name, erpName: name, alreadyExisted: false });
      await worker.publish([toOutgoing(answer)]);
      return { action: 'complete' };
    });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await worker.close();
    await app?.stop();
    await db?.drop();
  }, 30_000);

  it('lists every command as a tool with a JSON Schema from its contract, then the federated tools', async () => {
    const { tools } = await (await connect(key)).listTools();
    const create = tools.find((t) => t.name === 'erp_customer_create') as Tool;
    expect(create.inputSchema).toMatchObject({
      type: 'object',
      required: ['customerName'],
      properties: { customerName: { type: 'string' }, customerType: { enum: ['Company', 'Individual'] }, connectionId: { format: 'uuid' }, idempotencyKey: { format: 'uuid' } },
    });
    expect(create.description).toContain('erp.customer.created');
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['erp_sales_order_create', 'crm_lead_create', 'linkedin_post_publish', 'reddit_search', 'mcp_tool_invoke']));
    expect(tools.at(-1)?.name).toBe('everything_echo');
  });

  it('answers 401 with a JSON-RPC error body without a valid key, for POST, GET and DELETE', async () => {
    await expect(connect(undefined)).rejects.toThrow(/401|UNAUTHORIZED/);
    for (const method of ['POST', 'GET', 'DELETE']) {
      const response = await fetch(`${app.url}/mcp`, {
        method,
        headers: { accept: 'application/json, text/event-stream', authorization: 'Bearer jk_AAAAAAAAAAAA_wrongwrongwrongwrongwrongwrongwrongwrongwrong' },
        ...(method === 'POST' ? { body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }), headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' } } : {}),
      });
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001, message: expect.stringContaining('UNAUTHORIZED') }, id: null });
    }
    // With a key, GET and DELETE are 405: the server is stateless.
    const get = await fetch(`${app.url}/mcp`, { headers: { authorization: `Bearer ${key}`, accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
  });

  it('refuses bad arguments with the issues and publishes nothing', async () => {
    const client = await connect(key);
    const before = await db.prisma.processedMessage.count();
    const result = (await client.callTool({ name: 'erp_customer_create', arguments: { customerName: '', customerType: 'Robot', idempotencyKey: 'nope' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(structured(result)).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(structured(result).issues.map((i: { path: string[] }) => i.path.join('.'))).toEqual(expect.arrayContaining(['customerName', 'customerType', 'idempotencyKey']));
    expect(await db.prisma.processedMessage.count()).toBe(before);
    expect(await db.prisma.outboxMessage.count()).toBe(0);
  });

  it('publishes the command and returns the answering event; the same idempotency key publishes once', async () => {
    const client = await connect(key);
    const idempotencyKey = randomUUID();
    const result = (await client.callTool({ name: 'erp_customer_create', arguments: { customerName: 'Acme GmbH', idempotencyKey } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(structured(result)).toMatchObject({ commandId: idempotencyKey, customerName: 'Acme GmbH', erpName: 'Acme GmbH', alreadyExisted: false });
    expect(JSON.parse((result.content[0] as { text: string }).text)).toMatchObject({ eventType: 'erp.customer.created' });
    expect(published('Acme GmbH')).toEqual([expect.objectContaining({ id: idempotencyKey, tenantId: 'tenant-mcp' })]);

    const again = (await client.callTool({ name: 'erp_customer_create', arguments: { customerName: 'Acme GmbH', idempotencyKey } })) as CallToolResult;
    expect(structured(again)).toEqual(structured(result));
    await new Promise((r) => setTimeout(r, 200));
    expect(published('Acme GmbH')).toHaveLength(1);
    expect(await db.prisma.commandResult.count({ where: { commandId: idempotencyKey } })).toBe(1);
  });

  it('turns a .failed answer into an error result with its code and message', async () => {
    const result = (await (await connect(key)).callTool({ name: 'erp_customer_create', arguments: { customerName: 'Fail AG' } })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(structured(result)).toMatchObject({ status: 'failed', code: 'PROVIDER_VALIDATION', message: 'ERPNext refused the customer group', eventType: 'erp.customer.create.failed' });
    expect((result.content[0] as { text: string }).text).toBe('PROVIDER_VALIDATION: ERPNext refused the customer group');
  });

  it('returns pending with the command id when no answer comes in time; GET /commands/:id returns the answer later', async () => {
    const client = await connect(key);
    const result = (await client.callTool({ name: 'erp_customer_create', arguments: { customerName: 'Slow Ltd' }, _meta: { timeoutMs: 300 } })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const { status, commandId, correlationId } = structured(result);
    expect({ status, correlationId }).toEqual({ status: 'pending', correlationId: commandId });
    const get = (apiKey: string) => fetch(`${app.url}/commands/${commandId}`, { headers: { authorization: `Bearer ${apiKey}` } });
    expect(await (await get(key)).json()).toEqual({ status: 'pending', commandId });

    const command = commands.find((c) => c.id === commandId)!;
    await worker.publish([toOutgoing(createReply(command, 'erp.customer.created', { commandId, customerName: 'Slow Ltd', erpName: 'Slow Ltd', alreadyExisted: true }))]);
    await waitUntil(async () => ((await (await get(key)).json()) as { status: string }).status === 'succeeded', 10_000, 'the late answer recorded');
    expect(await (await get(key)).json()).toMatchObject({ status: 'succeeded', commandId, eventType: 'erp.customer.created', payload: { alreadyExisted: true } });
    // Another tenant's key does not see it; an unknown id is 404; no key is 401.
    expect((await get(await newKey({ ctx: OTHER }))).status).toBe(404);
    expect((await fetch(`${app.url}/commands/${randomUUID()}`, { headers: { authorization: `Bearer ${key}` } })).status).toBe(404);
    expect((await fetch(`${app.url}/commands/${commandId}`)).status).toBe(401);
  });

  it('an allowlist hides the other tools and refuses calling them, with an audit row', async () => {
    const limited = await newKey({ mcpTools: ['erp_customer_g*', 'everything_*'] });
    const client = await connect(limited);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['erp_customer_get', 'everything_echo']);
    const refused = (await client.callTool({ name: 'erp_customer_create', arguments: { customerName: 'Hidden GmbH' } })) as CallToolResult;
    expect(refused.isError).toBe(true);
    expect(structured(refused)).toMatchObject({ code: 'TOOL_NOT_ALLOWED' });
    expect(published('Hidden GmbH')).toEqual([]);
    const keyId = limited.slice(3, 15);
    expect(await db.prisma.auditEvent.findMany({ where: { actor: `mcp:${keyId}` } })).toEqual([
      expect.objectContaining({ action: 'mcp.tool.called', tenantId: 'tenant-mcp', subject: 'erp_customer_create', outcome: 'TOOL_NOT_ALLOWED' }),
    ]);
    // The federated tool is called through the same checks.
    const echo = (await client.callTool({ name: 'everything_echo', arguments: { message: 'hi' } })) as CallToolResult;
    expect(echo.content).toEqual([{ type: 'text', text: 'hi' }]);
    expect(federated.calls).toEqual(['tenant-mcp:everything_echo']);
  });

  it('refuses the (n+1)th call of a rate-limited tool with RATE_LIMITED and a retry-after', async () => {
    const client = await connect(key);
    const call = () => client.callTool({ name: 'erp_customer_get', arguments: { customerName: 'Fail Rate' } }) as Promise<CallToolResult>;
    expect(structured(await call())).toMatchObject({ code: 'PROVIDER_VALIDATION' });
    expect(structured(await call())).toMatchObject({ code: 'PROVIDER_VALIDATION' });
    const third = await call();
    expect(third.isError).toBe(true);
    expect(structured(third)).toMatchObject({ code: 'RATE_LIMITED', retryAfterSeconds: expect.any(Number) });
    expect(structured(third).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(published('Fail Rate')).toHaveLength(2);
  });

  it('leaves one audit row and one metrics row per call, never the arguments, and serves the metrics and health resources', async () => {
    const calls = await db.prisma.mcpToolCall.count({ where: { tenantId: 'tenant-mcp' } });
    const audits = await db.prisma.auditEvent.findMany({ where: { action: 'mcp.tool.called', tenantId: 'tenant-mcp' } });
    expect(audits).toHaveLength(calls);
    expect(calls).toBe(10);
    for (const audit of audits) {
      expect(Object.keys(audit.detail as object).sort()).toEqual(expect.arrayContaining(['latencyMs']));
      expect(JSON.stringify(audit.detail)).not.toMatch(/Acme|Fail|Slow|hi"/);
    }
    const client = await connect(key);
    const metrics = JSON.parse(((await client.readResource({ uri: 'junction://metrics/tools' })).contents[0] as { text: string }).text);
    const create = metrics.tools.find((t: { tool: string }) => t.tool === 'erp_customer_create');
    // bad arguments, Acme twice, Fail, Slow (pending), the allowlist's refusal
    expect(create).toMatchObject({ calls: 6, errors: 3, p50Ms: expect.any(Number), p95Ms: expect.any(Number), p99Ms: expect.any(Number) });
    expect(metrics.tools.find((t: { tool: string }) => t.tool === 'erp_customer_get')).toMatchObject({ calls: 3, errors: 3 });

    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['junction://health', 'junction://metrics/tools']);
    const connection = await db.prisma.connection.create({
      data: { tenantId: 'tenant-mcp', typeSlug: 'erpnext', name: 'erp-main', authMethod: 'api_key', status: 'connected', config: { baseUrl: 'https://erp.example.com' } },
    }).catch(async () => {
      await db.prisma.integrationType.create({ data: { slug: 'erpnext', name: 'ERPNext', kind: 'vendor', category: 'erp', description: 'ERPNext', authMethods: ['api_key'], configSchema: {} } });
      return db.prisma.connection.create({ data: { tenantId: 'tenant-mcp', typeSlug: 'erpnext', name: 'erp-main', authMethod: 'api_key', status: 'connected', config: { baseUrl: 'https://erp.example.com' } } });
    });
    await db.prisma.connectionHealth.create({ data: { connectionId: connection.id, tenantId: 'tenant-mcp', ok: true, latencyMs: 42 } });
    const healthText = ((await client.readResource({ uri: 'junction://health' })).contents[0] as { text: string }).text;
    const health = JSON.parse(healthText);
    expect(health.app).toMatchObject({ status: 'ready', checks: { database: { up: true }, broker: { up: true }, resultNotifications: { detail: 'listening' } } });
    expect(health.connections).toEqual([expect.objectContaining({ name: 'erp-main', type: 'erpnext', status: 'connected', lastHealthCheck: expect.objectContaining({ ok: true, latencyMs: 42 }) })]);
    expect(healthText).not.toContain('erp.example.com');
  });
});
