import { randomBytes, randomUUID } from 'node:crypto';
import { createMessage, type MessagePayload } from '@junction/contracts';
import type { McpClient } from '@junction/mcp';
import { MemoryBroker, MemoryTransport, toOutgoing } from '@junction/messaging';
import type { Connection } from '@junction/persistence';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, processAlive as alive, serverEverythingStdio, startServerEverythingHttp, waitUntil, type EverythingHttpServer, type TestDatabase } from '@junction/testing';
import { mcpGateway } from '../app.definition';
import { mcpGatewayEnvSchema } from '../config/env';
import { McpServerPool } from '../connections/mcp-server.pool';
import { createConnection, seedIntegrationTypes } from '../connections/mcp-test.fixture';
import { ToolDispatchRepository } from './tool-dispatch.repository';
import { InvokeToolHandler } from './usecases/invoke-tool/invoke-tool.handler';

const TENANT = 'tenant-invoke';

/**
 * mcp.tool.invoke as mcp-gateway handles it (startApp: memory bus, outbox relay, dead-letter answers) over a real
 * database, with the MCP reference server (server-everything) as the tool server over stdio and Streamable HTTP.
 * Answers are read where the gateway itself records them (command_result, from mcp.events).
 */
describe('mcp.tool.invoke (mcp-gateway, real Postgres, memory bus, server-everything)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let http: EverythingHttpServer;
  let everything: Connection;
  let remote: Connection;
  const broker = new MemoryBroker();
  const publisher = new MemoryTransport(broker);

  const env = (over: Record<string, string> = {}) =>
    parseEnv(mcpGatewayEnvSchema, { DATABASE_URL: db.url, HOST: '127.0.0.1', LOG_LEVEL: 'silent', MCP_STDIO_COMMANDS: process.execPath, ...over }, 'mcp-gateway');

  const invoke = async (payload: MessagePayload<'mcp.tool.invoke'>, options: { tenantId?: string; connectionId?: string; bus?: MemoryTransport } = {}) => {
    const command = createMessage('mcp.tool.invoke', payload, { tenantId: options.tenantId ?? TENANT, connectionId: options.connectionId });
    await (options.bus ?? publisher).publish([toOutgoing(command)]);
    return command;
  };
  const answer = async (commandId: string) => {
    await waitUntil(async () => (await db.prisma.commandResult.count({ where: { commandId } })) === 1, 20_000, `the answer to ${commandId}`);
    return (await db.prisma.commandResult.findUnique({ where: { commandId } }))!;
  };
  const client = (connection: Connection): McpClient => app.app.get(McpServerPool).held(connection.id)!;

  beforeAll(async () => {
    db = await createTestDatabase();
    http = await startServerEverythingHttp();
    app = await startApp(mcpGateway, env({ JUNCTION_KEK: formatKeyEntry('test', randomBytes(32)) }), { bus: new MemoryTransport(broker), port: 0 });
    await seedIntegrationTypes(db.prisma);
    everything = await createConnection(app, db.prisma, { tenantId: TENANT, typeSlug: 'mcp-stdio', name: 'everything', config: serverEverythingStdio(), isDefault: true });
    remote = await createConnection(app, db.prisma, {
      tenantId: TENANT,
      typeSlug: 'mcp-http',
      name: 'remote',
      config: { url: http.url.href },
      // A sealed secret, opened by the gateway and sent as the Authorization header (the server ignores it).
      secret: { authMethod: 'bearer', token: 'remote-token-value' },
    });
    await publisher.connect();
  }, 60_000);

  afterAll(async () => {
    await publisher.close();
    await app?.stop();
    await http?.stop();
    await db?.drop();
  }, 30_000);

  it("calls echo on the tenant's default MCP connection and answers mcp.tool.invoked with the content", async () => {
    const command = await invoke({ tool: 'echo', arguments: { message: 'hello junction' } });
    expect(await answer(command.id)).toMatchObject({
      tenantId: TENANT,
      eventType: 'mcp.tool.invoked',
      outcome: 'succeeded',
      payload: { commandId: command.id, connection: everything.id, tool: 'echo', content: [{ type: 'text', text: 'Echo: hello junction' }], latencyMs: expect.any(Number) },
    });
    expect(await db.prisma.effectLedger.findMany({ where: { commandId: command.id } })).toEqual([
      expect.objectContaining({ provider: 'mcp', operation: 'tool.call', outcome: 'read', externalRef: everything.id }),
    ]);
  });

  it('runs on the connection the envelope names (Streamable HTTP, with its sealed secret)', async () => {
    const command = await invoke({ tool: 'get-sum', arguments: { a: 2, b: 3 } }, { connectionId: remote.id });
    const row = await answer(command.id);
    expect(row.payload).toMatchObject({ connection: remote.id, tool: 'get-sum', content: [{ type: 'text', text: expect.stringContaining('5') }] });
  });

  it('answers an isError result with mcp.tool.invoke.failed MCP_TOOL_ERROR', async () => {
    const command = await invoke({ tool: 'gzip-file-as-resource', arguments: { name: 'x.gz', data: 'ftp://example.com/file' } });
    const row = await answer(command.id);
    expect(row).toMatchObject({ eventType: 'mcp.tool.invoke.failed', outcome: 'failed', payload: { code: 'MCP_TOOL_ERROR', errorClass: 'client', deadLettered: false } });
    expect(row.payload).toMatchObject({ message: expect.stringMatching(/Unsupported URL protocol/) });
  });

  it('refuses arguments outside the input schema (MCP_INVALID_ARGUMENTS) and an unknown tool (MCP_TOOL_NOT_FOUND) without calling', async () => {
    const calls = client(everything).stats.toolCalls;
    const bad = await invoke({ tool: 'get-sum', arguments: { a: 'two', b: 3 } });
    const unknown = await invoke({ tool: 'no-such-tool', arguments: {} });
    expect(await answer(bad.id)).toMatchObject({ eventType: 'mcp.tool.invoke.failed', payload: { code: 'MCP_INVALID_ARGUMENTS', errorClass: 'validation', deadLettered: false } });
    expect((await answer(bad.id)).payload).toMatchObject({ message: expect.stringContaining('arguments.a: must be number') });
    expect(await answer(unknown.id)).toMatchObject({ payload: { code: 'MCP_TOOL_NOT_FOUND', errorClass: 'not_found' } });
    expect(client(everything).stats.toolCalls).toBe(calls);
  });

  it('calls the tool once for a command delivered twice at once and again later', async () => {
    const handler = app.app.get(InvokeToolHandler);
    const command = createMessage('mcp.tool.invoke', { tool: 'echo', arguments: { message: 'once' } }, { tenantId: TENANT });
    const calls = client(everything).stats.toolCalls;
    // Two deliveries at once: one claims the command, the other is refused (CommandClaimedError, redelivered later)
    // or, when it comes after the first committed, acknowledged as a duplicate.
    const settled = await Promise.allSettled([handler.execute(command), handler.execute(command)]);
    expect(settled.filter((s) => s.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    for (const s of settled) if (s.status === 'rejected') expect(s.reason).toMatchObject({ name: 'CommandClaimedError' });
    await handler.execute(command);
    expect(client(everything).stats.toolCalls).toBe(calls + 1);
    expect(await answer(command.id)).toMatchObject({ eventType: 'mcp.tool.invoked', payload: { content: [{ type: 'text', text: 'Echo: once' }] } });
    expect(await db.prisma.processedMessage.count({ where: { consumer: 'mcp-gateway', messageId: command.id } })).toBe(1);
  });

  it('calls a non-idempotent tool once, marking the dispatch first; a delivery that finds the mark answers MCP_OUTCOME_UNKNOWN without calling', async () => {
    const handler = app.app.get(InvokeToolHandler);
    const first = createMessage('mcp.tool.invoke', { tool: 'toggle-simulated-logging', arguments: {} }, { tenantId: TENANT });
    const calls = client(everything).stats.toolCalls;
    await handler.execute(first);
    await handler.execute(first);
    expect(client(everything).stats.toolCalls).toBe(calls + 1);
    expect(await answer(first.id)).toMatchObject({ eventType: 'mcp.tool.invoked', payload: { tool: 'toggle-simulated-logging' } });
    expect((await db.prisma.effectLedger.findMany({ where: { commandId: first.id }, orderBy: { operation: 'asc' } })).map((r) => [r.operation, r.outcome])).toEqual([
      ['tool.call', 'created'],
      ['tool.dispatch', 'dispatched'],
    ]);

    // A replica called the tool and crashed before committing: its claim's lease ran out, its dispatch mark stays.
    const crashed = createMessage('mcp.tool.invoke', { tool: 'toggle-simulated-logging', arguments: {} }, { tenantId: TENANT });
    await db.prisma.commandClaim.create({ data: { consumer: 'mcp-gateway', messageId: crashed.id, owner: 'crashed-host:1:dead', leaseUntil: new Date(Date.now() - 1_000) } });
    expect(await app.app.get(ToolDispatchRepository).mark({ commandId: crashed.id, connectionId: everything.id, tool: 'toggle-simulated-logging' })).toBe(true);
    await publisher.publish([toOutgoing(crashed)]);
    const row = await answer(crashed.id);
    expect(row).toMatchObject({ eventType: 'mcp.tool.invoke.failed', payload: { code: 'MCP_OUTCOME_UNKNOWN', errorClass: 'internal', deadLettered: false } });
    expect(client(everything).stats.toolCalls).toBe(calls + 1);
    expect(await db.prisma.commandClaim.count({ where: { messageId: crashed.id } })).toBe(0);
  });

  it('repeats a crashed call of an idempotent tool (echo declares idempotentHint)', async () => {
    const crashed = createMessage('mcp.tool.invoke', { tool: 'echo', arguments: { message: 'again' } }, { tenantId: TENANT });
    await db.prisma.commandClaim.create({ data: { consumer: 'mcp-gateway', messageId: crashed.id, owner: 'crashed-host:1:dead', leaseUntil: new Date(Date.now() - 1_000) } });
    await publisher.publish([toOutgoing(crashed)]);
    expect(await answer(crashed.id)).toMatchObject({ eventType: 'mcp.tool.invoked', payload: { content: [{ type: 'text', text: 'Echo: again' }] } });
  });

  it('dead-letters a command whose connection cannot be used and answers it with the connection code', async () => {
    const erp = await createConnection(app, db.prisma, { tenantId: TENANT, typeSlug: 'erpnext', name: 'erp', config: { baseUrl: 'http://erp.invalid' } });
    const off = await createConnection(app, db.prisma, { tenantId: TENANT, typeSlug: 'mcp-stdio', name: 'off', config: serverEverythingStdio(), status: 'disconnected' });
    const denied = await createConnection(app, db.prisma, { tenantId: TENANT, typeSlug: 'mcp-stdio', name: 'denied', config: { command: '/usr/bin/env', args: ['true'] } });
    const other = await createConnection(app, db.prisma, { tenantId: 'tenant-other', typeSlug: 'mcp-stdio', name: 'theirs', config: serverEverythingStdio(), isDefault: true });
    const echo = { tool: 'echo', arguments: { message: 'x' } };
    const cases: Array<[string, Promise<{ id: string }>]> = [
      ['CONNECTION_NOT_FOUND', invoke(echo, { connectionId: randomUUID() })],
      ['CONNECTION_NOT_FOUND', invoke(echo, { connectionId: erp.id })],
      ['CONNECTION_NOT_FOUND', invoke(echo, { connectionId: other.id })],
      ['CONNECTION_DISCONNECTED', invoke(echo, { connectionId: off.id })],
      ['MCP_COMMAND_NOT_ALLOWED', invoke(echo, { connectionId: denied.id })],
      ['NO_CONNECTION', invoke(echo, { tenantId: 'tenant-without-mcp' })],
    ];
    for (const [code, sent] of cases) {
      const { id } = await sent;
      expect({ code, answer: await answer(id) }).toMatchObject({ code, answer: { eventType: 'mcp.tool.invoke.failed', payload: { code, errorClass: 'connection', deadLettered: true } } });
    }
    expect(await db.prisma.deadLetter.count({ where: { type: 'mcp.tool.invoke' } })).toBe(cases.length);
  });

  it('refuses to guess between default connections of several MCP types (MCP_CONNECTION_AMBIGUOUS)', async () => {
    await createConnection(app, db.prisma, { tenantId: 'tenant-two', typeSlug: 'mcp-stdio', name: 'a', config: serverEverythingStdio(), isDefault: true });
    await createConnection(app, db.prisma, { tenantId: 'tenant-two', typeSlug: 'mcp-http', name: 'b', config: { url: http.url.href }, isDefault: true });
    const command = await invoke({ tool: 'echo', arguments: { message: 'x' } }, { tenantId: 'tenant-two' });
    const row = await answer(command.id);
    expect(row.payload).toMatchObject({ code: 'MCP_CONNECTION_AMBIGUOUS', deadLettered: true, message: expect.stringContaining('name one with connectionId') });
  });

  it('without JUNCTION_KEK answers every command NO_CONNECTION', async () => {
    const otherBroker = new MemoryBroker();
    const bus = new MemoryTransport(otherBroker);
    const bare = await startApp(mcpGateway, env(), { bus: new MemoryTransport(otherBroker), port: 0 });
    try {
      await bus.connect();
      const command = await invoke({ tool: 'echo', arguments: { message: 'x' } }, { bus });
      const row = await answer(command.id);
      expect(row.payload).toMatchObject({ code: 'NO_CONNECTION', deadLettered: true, message: expect.stringContaining('JUNCTION_KEK') });
    } finally {
      await bus.close();
      await bare.stop();
    }
  });

  it('ends every stdio server it started when the app stops', async () => {
    const pid = client(everything).pid;
    expect(pid).toEqual(expect.any(Number));
    expect(alive(pid!)).toBe(true);
    await app.stop();
    await waitUntil(() => !alive(pid!), 10_000, 'the stdio server gone');
    expect(alive(pid!)).toBe(false);
  });
});
