import { randomBytes } from 'node:crypto';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { createMessage } from '@junction/contracts';
import { MemoryBroker, MemoryTransport, toOutgoing } from '@junction/messaging';
import { ApiKeyRepository, AuditEventRepository, type Connection, freePort } from '@junction/persistence';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, serverEverythingStdio, startServerEverythingHttp, waitUntil, type EverythingHttpServer, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { mcpGateway } from '../app.definition';
import { mcpGatewayEnvSchema } from '../config/env';
import { McpServerPool } from '../connections/mcp-server.pool';
import { createConnection, seedIntegrationTypes } from '../connections/mcp-test.fixture';

const TENANT = 'tenant-federation';

/**
 * The tenant's MCP connections federated into /mcp, seen through the MCP SDK's own client over Streamable HTTP:
 * mcp-gateway as it starts (startApp, memory bus) on a real database, server-everything over stdio and HTTP as the
 * servers, beside a server that refuses connections, one that never answers and a disconnected connection.
 */
describe('federated MCP tools in /mcp (MCP SDK client, real Postgres, server-everything)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let http: EverythingHttpServer;
  let apiKeys: ApiKeyService;
  let key: string;
  let everything: Connection;
  const broker = new MemoryBroker();
  const clients: Client[] = [];

  const connect = async (apiKey: string): Promise<Client> => {
    const client = new Client({ name: 'federation-int-spec', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${app.url}/mcp`), { requestInit: { headers: { authorization: `Bearer ${apiKey}` } } }));
    clients.push(client);
    return client;
  };
  const newKey = async (mcpTools?: string[]) => (await apiKeys.create({ tenantId: TENANT, actor: 'cli' }, { name: 'agent', scopes: ['commands'], ...(mcpTools ? { mcpTools } : {}) })).key;
  const call = async (c: Client, name: string, args: Record<string, unknown> = {}) => (await c.callTool({ name, arguments: args })) as CallToolResult;
  const code = (result: CallToolResult) => (result.structuredContent as { code?: string } | undefined)?.code;

  beforeAll(async () => {
    db = await createTestDatabase();
    http = await startServerEverythingHttp();
    const env = parseEnv(
      mcpGatewayEnvSchema,
      {
        DATABASE_URL: db.url,
        HOST: '127.0.0.1',
        LOG_LEVEL: 'silent',
        JUNCTION_KEK: formatKeyEntry('test', randomBytes(32)),
        MCP_STDIO_COMMANDS: process.execPath,
        MCP_FEDERATION_LIST_TIMEOUT_MS: '2000',
        MCP_TOOL_RATE_LIMITS: JSON.stringify({ 'everything__get-sum': { perMinute: 1 } }),
      },
      'mcp-gateway',
    );
    app = await startApp(mcpGateway, env, { bus: new MemoryTransport(broker), port: 0 });
    await seedIntegrationTypes(db.prisma);
    apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
    key = await newKey();
    const connection = (typeSlug: string, name: string, config: Record<string, unknown>, status = 'connected') =>
      createConnection(app, db.prisma, { tenantId: TENANT, typeSlug, name, config, status, isDefault: typeSlug === 'mcp-stdio' && name === 'everything' });
    everything = await connection('mcp-stdio', 'everything', serverEverythingStdio());
    await connection('mcp-http', 'remote', { url: http.url.href }, 'configuring');
    await connection('mcp-http', 'refused', { url: `http://127.0.0.1:${await freePort()}/mcp` });
    await connection('mcp-stdio', 'silent', { command: process.execPath, args: ['-e', 'setTimeout(() => {}, 60000)'] });
    await connection('mcp-stdio', 'off', serverEverythingStdio(), 'disconnected');
    // Another tenant's server is never listed here.
    await createConnection(app, db.prisma, { tenantId: 'tenant-else', typeSlug: 'mcp-http', name: 'theirs', config: { url: http.url.href } });
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await app?.stop();
    await http?.stop();
    await db?.drop();
  }, 30_000);

  it("lists the tenant's servers' tools as <connection>__<tool> after the commands, with their own schemas and annotations; servers that are down are left out", async () => {
    const { tools } = await (await connect(key)).listTools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['erp_customer_create', 'mcp_tool_invoke', 'everything__echo', 'everything__get-sum', 'remote__echo', 'remote__get-sum']));
    expect(names.indexOf('mcp_tool_invoke')).toBeLessThan(names.indexOf('everything__echo'));
    expect(names.filter((n) => /^(refused|silent|off|theirs)__/.test(n))).toEqual([]);

    const original = (await app.app.get(McpServerPool).held(everything.id)!.tools()).find((t) => t.name === 'get-sum')!;
    const federated = tools.find((t) => t.name === 'everything__get-sum') as Tool;
    expect(federated).toMatchObject({ description: original.description, inputSchema: original.inputSchema, annotations: original.annotations, title: original.title });
    expect(federated.annotations).toMatchObject({ readOnlyHint: true });
    expect(federated._meta).toMatchObject({ 'io.junction/connection': 'everything', 'io.junction/tool': 'get-sum' });
  });

  it('routes a call to its server and back, with an audit and a metrics row', async () => {
    const client = await connect(key);
    const echo = await call(client, 'everything__echo', { message: 'hi federation' });
    expect(echo.isError).toBeFalsy();
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: hi federation' }]);
    expect((await call(client, 'remote__echo', { message: 'over http' })).content).toEqual([{ type: 'text', text: 'Echo: over http' }]);
    expect(await db.prisma.auditEvent.findMany({ where: { action: 'mcp.tool.called', subject: 'everything__echo' } })).toEqual([
      expect.objectContaining({ tenantId: TENANT, outcome: 'ok', actor: `mcp:${key.slice(3, 15)}` }),
    ]);
    expect(await db.prisma.mcpToolCall.count({ where: { tool: 'remote__echo', outcome: 'ok' } })).toBe(1);
  });

  it("passes the server's errors on as error results with codes: isError, bad arguments, unknown names, a server that is down", async () => {
    const client = await connect(key);
    const toolError = await call(client, 'everything__gzip-file-as-resource', { name: 'x.gz', data: 'ftp://example.com/file' });
    expect(toolError.isError).toBe(true);
    expect(JSON.stringify(toolError.content)).toMatch(/Unsupported URL protocol/);
    const bad = await call(client, 'remote__get-sum', { a: 'two', b: 3 });
    expect({ isError: bad.isError, code: code(bad) }).toEqual({ isError: true, code: 'MCP_INVALID_ARGUMENTS' });
    expect(code(await call(client, 'everything__no-such-tool'))).toBe('UNKNOWN_TOOL');
    expect(code(await call(client, 'refused__echo', { message: 'x' }))).toBe('MCP_UNREACHABLE');
    expect(await db.prisma.auditEvent.findFirst({ where: { subject: 'remote__get-sum' } })).toMatchObject({ outcome: 'MCP_INVALID_ARGUMENTS' });
  });

  it("applies the key's allowlist and the per-tool rate limit to federated tools", async () => {
    const onlyErp = await connect(await newKey(['erp_*']));
    expect((await onlyErp.listTools()).tools.some((t) => t.name.includes('__'))).toBe(false);
    const refused = await call(onlyErp, 'everything__echo', { message: 'no' });
    expect({ isError: refused.isError, code: code(refused) }).toEqual({ isError: true, code: 'TOOL_NOT_ALLOWED' });
    expect(await db.prisma.auditEvent.count({ where: { subject: 'everything__echo', outcome: 'TOOL_NOT_ALLOWED' } })).toBe(1);

    const onlyEverything = await connect(await newKey(['everything__*']));
    const names = (await onlyEverything.listTools()).tools.map((t) => t.name);
    expect(names.length).toBeGreaterThan(0);
    expect(names.every((n) => n.startsWith('everything__'))).toBe(true);
    expect((await call(onlyEverything, 'everything__get-sum', { a: 1, b: 2 })).isError).toBeFalsy();
    const limited = await call(onlyEverything, 'everything__get-sum', { a: 1, b: 2 });
    expect({ isError: limited.isError, code: code(limited) }).toEqual({ isError: true, code: 'RATE_LIMITED' });
  });

  it('shares its sessions with mcp.tool.invoke: one stdio server per connection', async () => {
    const pool = app.app.get(McpServerPool);
    const held = pool.held(everything.id)!;
    const pid = held.pid;
    const bus = new MemoryTransport(broker);
    await bus.connect();
    const command = createMessage('mcp.tool.invoke', { tool: 'echo', arguments: { message: 'shared' } }, { tenantId: TENANT });
    await bus.publish([toOutgoing(command)]);
    await bus.close();
    await waitUntil(async () => (await db.prisma.commandResult.count({ where: { commandId: command.id } })) === 1, 20_000, 'the invoke answer');
    expect(pool.held(everything.id)).toBe(held);
    expect(held.pid).toBe(pid);
    expect(held.stats.sessionsOpened).toBe(1);
  });
});
