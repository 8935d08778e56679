import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { createMessage, type MessagePayload, type MessageType } from '@junction/contracts';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { ConnectionSecretStore, IntegrationsModule, parseCommandList, type ConnectionSecret } from '@junction/integrations';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule, PrismaService } from '@junction/persistence';
import { ResilienceModule } from '@junction/platform';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { builtEntry, createTestDatabase, outboxCausedBy, serverEverythingStdio, waitUntil, type TestDatabase } from '@junction/testing';
import { erpWorkerEnvSchema } from '../config/env';
import { CreateCustomerHandler } from '../customers/usecases/create-customer/create-customer.handler';
import { GetStockBalanceHandler } from '../inventory/usecases/get-stock-balance/get-stock-balance.handler';
import { CreateSalesOrderHandler } from '../sales-orders/usecases/create-sales-order/create-sales-order.handler';
import { ErpNextMcpSessions } from './erpnext-mcp-sessions';
import { ErpNextModule } from './erpnext.module';

/** The compiled ERPNext MCP server, started by the worker as a connection's stdio server (`npm run build` puts it there). */
const { entry: ENTRY, describeIfBuilt } = builtEntry('dist/libs/connectors/erpnext/src/mcp/erpnext-mcp.main.js', 'erp-worker MCP');

const REST_TENANT = 't-rest';
const MCP_TENANT = 't-mcp';
const NOW = () => new Date('2025-03-10T10:00:00');

/** The stdio children this process started that are still running (the worker's MCP servers). */
function mcpChildren(): string[] {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('erpnext-mcp.main.js') || line.includes('server-everything'));
  } catch {
    return []; // ps exits 1 when there is no child at all
  }
}

/**
 * erp-worker's ERPNext module as the app wires it (JUNCTION_KEK, connections, MCP_STDIO_COMMANDS), real Postgres, two
 * ERPNext sandboxes: TENANT_ID's env connection `erpnext-env` reaches one over REST, tenant t-mcp's connection of
 * transport mcp reaches the other through the ERPNext MCP server, which the worker starts over stdio with the
 * connection's secret in the server's environment (secretEnv). Same commands, same events, same effects.
 */
describeIfBuilt('erp-worker over MCP: an erpnext connection with transport mcp (ERPNext MCP server over stdio)', () => {
  const siteRest = new ErpNextSandbox({ apiKey: 'rest-key', apiSecret: 'rest-secret-value', now: NOW });
  const siteMcp = new ErpNextSandbox({ apiKey: 'mcp-key', apiSecret: 'mcp-secret-value', now: NOW });
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let prisma: PrismaService;
  let closed = false;

  beforeAll(async () => {
    db = await createTestDatabase();
    await Promise.all([siteRest.start(), siteMcp.start()]);
    const kek = formatKeyEntry('test', randomBytes(32));
    const env = erpWorkerEnvSchema.parse({
      DATABASE_URL: db.url,
      TENANT_ID: REST_TENANT,
      ERPNEXT_URL: siteRest.url,
      ERPNEXT_API_KEY: 'rest-key',
      ERPNEXT_API_SECRET: 'rest-secret-value',
      ERPNEXT_TIMEOUT_MS: '5000',
      JUNCTION_KEK: kek,
      MCP_STDIO_COMMANDS: process.execPath,
    });
    moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 4 }),
        MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'erp-worker', relay: false }),
        // Fast retries; a breaker a few failures do not open.
        ResilienceModule.forRoot({
          tenantId: REST_TENANT,
          overrides: { erpnext: { retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 10 }, breaker: { volumeThreshold: 1_000 } } },
        }),
        SecurityModule.forRoot({ kek }),
        IntegrationsModule.forRoot({ mcpStdioCommands: parseCommandList(env.MCP_STDIO_COMMANDS) }),
        ErpNextModule.forRoot(env),
      ],
      providers: [CreateCustomerHandler, CreateSalesOrderHandler, GetStockBalanceHandler],
    }).compile();
    await moduleRef.init(); // erpnext-env becomes t-rest's default (REST) connection
    prisma = moduleRef.get(PrismaService);
    await connection(MCP_TENANT, 'erp-over-mcp', {
      transport: 'mcp',
      mcp: {
        command: process.execPath,
        args: [ENTRY, 'stdio'],
        env: { ERPNEXT_URL: siteMcp.url },
        secretEnv: { ERPNEXT_API_KEY: 'apiKey', ERPNEXT_API_SECRET: 'apiSecret' },
      },
    });
  }, 60_000);

  afterAll(async () => {
    if (!closed) await moduleRef?.close();
    await Promise.all([siteRest.stop(), siteMcp.stop()]);
    await db?.drop();
  });

  /** A tenant's default erpnext connection, its secret sealed as the admin API would. */
  async function connection(tenantId: string, name: string, config: Record<string, unknown>, secret: ConnectionSecret = { authMethod: 'api_key', apiKey: 'mcp-key', apiSecret: 'mcp-secret-value' }) {
    const secrets = moduleRef.get(ConnectionSecretStore);
    return prisma.transaction(async (tx) => {
      const credentialId = await secrets.seal(tx, tenantId, secret);
      return tx.connection.create({ data: { tenantId, typeSlug: 'erpnext', name, authMethod: secret.authMethod, config: config as object, isDefault: true, credentialId, status: 'connected' } });
    });
  }

  const send = <T extends MessageType>(tenantId: string, type: T, payload: MessagePayload<T>) => createMessage(type, payload as never, { tenantId });
  /** What a command answered: its events (type + payload), the command id left out so two runs compare. */
  const answers = async (commandId: string) =>
    (await outboxCausedBy(db, commandId)).map((row) => {
      const { type, payload } = row.body as { type: string; payload: Record<string, unknown> };
      return { type, payload: { ...payload, commandId: payload.commandId === commandId ? '<command>' : payload.commandId } };
    });
  const writes = (site: ErpNextSandbox, from = 0) => site.ledger.slice(from).map((e) => [e.doctype, e.action, e.name]);

  /** A customer, a sales order for a new buyer, a stock balance: the handlers as the consumers call them. */
  async function script(tenantId: string) {
    const customer = send(tenantId, 'erp.customer.create', { customerName: 'Acme Trading', customerType: 'Company', email: 'ops@acme.example' });
    await moduleRef.get(CreateCustomerHandler).execute(customer);
    const order = send(tenantId, 'erp.sales-order.create', {
      externalRef: 'shop:1001',
      customerName: 'Buyer One',
      transactionDate: '2025-03-01',
      deliveryDate: '2025-03-05',
      currency: 'USD',
      email: 'buyer@example.com',
      items: [
        { itemCode: 'SKU-001', qty: 2, rate: 12.5 },
        { itemCode: 'SKU-002', qty: 1, rate: 40 },
      ],
      grandTotal: 65,
    });
    await moduleRef.get(CreateSalesOrderHandler).execute(order);
    const stock = send(tenantId, 'erp.stock-balance.get', { itemCode: 'SKU-001', warehouse: 'Stores - SBX' });
    await moduleRef.get(GetStockBalanceHandler).execute(stock);
    return [...(await answers(customer.id)), ...(await answers(order.id)), ...(await answers(stock.id))];
  }

  it('erp.customer.create, a sales order and a stock balance answer the same events, with the same effects, as over REST', async () => {
    const overRest = await script(REST_TENANT);
    const overMcp = await script(MCP_TENANT);

    expect(overRest.map((e) => e.type)).toEqual(['erp.customer.created', 'erp.sales-order.created', 'erp.stock-balance.retrieved']);
    expect(overRest[0]!.payload).toMatchObject({ customerName: 'Acme Trading', erpName: 'Acme Trading', alreadyExisted: false });
    expect(overRest[1]!.payload).toMatchObject({ externalRef: 'shop:1001', customer: 'Buyer One', customerCreated: true, alreadyExisted: false, grandTotal: 65 });
    expect(overRest[2]!.payload).toMatchObject({ itemCode: 'SKU-001', warehouse: 'Stores - SBX', hasBin: true });
    expect(overMcp).toEqual(overRest);

    // Each tenant reached its own site: REST the env connection's, MCP the one behind the stdio server.
    expect(writes(siteMcp)).toEqual(writes(siteRest));
    expect(writes(siteMcp).map(([doctype, action]) => `${doctype} ${action}`)).toEqual(['Customer created', 'Customer created', 'Sales Order created']);
    expect(moduleRef.get(ErpNextMcpSessions).size).toBe(1);
    expect(mcpChildren()).toHaveLength(1);
  }, 60_000);

  it('a duplicate delivery creates one Customer; a new command for the same name finds it instead of creating another', async () => {
    const from = siteMcp.ledger.length;
    const handler = moduleRef.get(CreateCustomerHandler);
    const first = send(MCP_TENANT, 'erp.customer.create', { customerName: 'Twice Ltd', customerType: 'Company' });
    await handler.execute(first);
    await handler.execute(first); // the broker delivers it again
    const again = send(MCP_TENANT, 'erp.customer.create', { customerName: 'Twice Ltd', customerType: 'Company' });
    await handler.execute(again);

    expect(writes(siteMcp, from)).toEqual([['Customer', 'created', 'Twice Ltd']]);
    expect(await answers(first.id)).toEqual([{ type: 'erp.customer.created', payload: expect.objectContaining({ erpName: 'Twice Ltd', alreadyExisted: false }) }]);
    expect(await answers(again.id)).toEqual([{ type: 'erp.customer.created', payload: expect.objectContaining({ erpName: 'Twice Ltd', alreadyExisted: true }) }]);
  }, 30_000);

  it('ERPNext failing behind the MCP server (503) is retried by the worker’s pipeline like a REST 503', async () => {
    const before = siteMcp.requests.length;
    siteMcp.faults.set({ failNext: { count: 1, status: 503 } });
    try {
      const stock = send(MCP_TENANT, 'erp.stock-balance.get', { itemCode: 'SKU-002', warehouse: 'Stores - SBX' });
      await moduleRef.get(GetStockBalanceHandler).execute(stock);
      expect(await answers(stock.id)).toEqual([{ type: 'erp.stock-balance.retrieved', payload: expect.objectContaining({ itemCode: 'SKU-002', hasBin: true }) }]);
      expect(siteMcp.requests.slice(before).map((r) => r.status)).toEqual([503, 200]);
    } finally {
      siteMcp.faults.clear();
    }
  }, 30_000);

  it('failures keep the REST codes: a server that is not ERPNext’s answers .failed PROVIDER_REJECTED; one that will not start is retryable PROVIDER_NETWORK', async () => {
    // server-everything has none of the ERPNext tools: our misconfiguration, answered (not a missing Customer).
    await connection('t-wrong-server', 'everything', { transport: 'mcp', mcp: serverEverythingStdio() });
    const wrong = send('t-wrong-server', 'erp.customer.create', { customerName: 'Nobody', customerType: 'Company' });
    await moduleRef.get(CreateCustomerHandler).execute(wrong);
    expect(await answers(wrong.id)).toEqual([
      {
        type: 'erp.customer.create.failed',
        payload: expect.objectContaining({ code: 'PROVIDER_REJECTED', errorClass: 'client', message: expect.stringContaining('MCP_TOOL_NOT_FOUND') }),
      },
    ]);

    // A server process that exits at once: a transport failure, redelivered (nothing answered yet).
    await connection('t-dead-server', 'exits', { transport: 'mcp', mcp: { command: process.execPath, args: ['-e', 'process.exit(3)'] } });
    const dead = send('t-dead-server', 'erp.customer.create', { customerName: 'Nobody', customerType: 'Company' });
    await expect(moduleRef.get(CreateCustomerHandler).execute(dead)).rejects.toMatchObject({ provider: 'erpnext', operation: 'findCustomerByName', code: 'PROVIDER_NETWORK', retryable: true });
    expect(await answers(dead.id)).toEqual([]);
  }, 30_000);

  it('a stdio command not in MCP_STDIO_COMMANDS is dead-lettered with MCP_COMMAND_NOT_ALLOWED, and nothing is started', async () => {
    await connection('t-not-allowed', 'shell', { transport: 'mcp', mcp: { command: '/bin/sh', args: ['-c', 'echo no'] } });
    const children = mcpChildren().length;
    const command = send('t-not-allowed', 'erp.customer.create', { customerName: 'Nobody', customerType: 'Company' });
    await expect(moduleRef.get(CreateCustomerHandler).execute(command)).rejects.toMatchObject({ code: 'MCP_COMMAND_NOT_ALLOWED', retryable: false });
    expect(mcpChildren()).toHaveLength(children);
  });

  it('at shutdown every MCP session is closed and no stdio server outlives the worker', async () => {
    expect(mcpChildren().length).toBeGreaterThan(0);
    closed = true;
    await moduleRef.close();
    await waitUntil(() => mcpChildren().length === 0, 10_000, 'the stdio MCP servers to exit');
  }, 20_000);
});
