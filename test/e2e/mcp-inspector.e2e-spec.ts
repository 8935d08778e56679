import { execFile, execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import type { CallToolResult, ListToolsResult } from '@modelcontextprotocol/sdk/types.js';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { ApiKeyRepository, AuditEventRepository } from '@junction/persistence';
import { createTestDatabase, rabbitMqReachable, startAppProcess, testRabbitMqUrl, type AppProcess, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';

const describeIfBroker = rabbitMqReachable('the MCP Inspector end-to-end test') ? describe : describe.skip;

/**
 * The inspector's CLI itself (build/index.js), not its bin: the bin (build/cli.js) starts the web inspector. The
 * standalone inspector-cli because @modelcontextprotocol/inspector 0.15 (the last release for Node 20) cannot send
 * headers, so it cannot present an API key.
 */
const INSPECTOR_CLI = resolve(__dirname, '../../node_modules/@modelcontextprotocol/inspector-cli/build/index.js');

interface Inspected {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Junction's MCP server as an MCP client other than our own drives it: the MCP Inspector's CLI, run as a user runs it,
 * against the built mcp-gateway and erp-worker on RabbitMQ and Postgres with the ERPNext sandbox behind them. It lists
 * the tools with their schemas, and a tools/call creates a Customer in ERPNext, once for a retried call.
 */
describeIfBroker('MCP Inspector CLI against the built mcp-gateway (Streamable HTTP, API key, RabbitMQ, ERPNext sandbox)', () => {
  const run = randomUUID().slice(0, 8);
  const sandbox = new ErpNextSandbox({ apiKey: 'e2e-key', apiSecret: 'e2e-secret-value' });
  let db: TestDatabase;
  let worker: AppProcess;
  let gateway: AppProcess;
  let key: string;

  /** Never rejects: the exit code is part of what is asserted. The URL goes first, before the variadic options. */
  const inspect = (args: string[], authorization?: string) =>
    new Promise<Inspected>((done) => {
      const header = authorization === undefined ? [] : ['--header', `Authorization: ${authorization}`];
      execFile(process.execPath, [INSPECTOR_CLI, `${gateway.url}/mcp`, '--transport', 'http', ...header, ...args], { timeout: 15_000, encoding: 'utf8' }, (error, stdout, stderr) => {
        // A timeout kills the CLI with a signal; code stays null then, and -1 fails every expectation below.
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
        done({ code, stdout, stderr });
      });
    });
  const customersNamed = (name: string) => sandbox.documents('Customer').filter((c) => c.customer_name === name);

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    db = await createTestDatabase();
    const { url: erpUrl } = await sandbox.start();
    const apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
    key = (await apiKeys.create({ tenantId: 'e2e-inspector', actor: 'e2e' }, { name: 'inspector', scopes: ['commands'] })).key;
    const env = { BUS: 'rabbitmq', RABBITMQ_URL: testRabbitMqUrl, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', TENANT_ID: 'e2e-inspector' };
    [worker, gateway] = await Promise.all([
      startAppProcess('dist/apps/erp-worker/main.js', { ...env, ERPNEXT_URL: erpUrl, ERPNEXT_API_KEY: 'e2e-key', ERPNEXT_API_SECRET: 'e2e-secret-value' }),
      startAppProcess('dist/apps/mcp-gateway/main.js', env),
    ]);
  }, 60_000);

  afterAll(async () => {
    const codes = await Promise.all([worker?.stop(), gateway?.stop()]);
    await sandbox.stop();
    await db?.drop();
    expect(codes).toEqual([0, 0]);
  }, 30_000);

  it('lists the tools with their input schemas', async () => {
    const listed = await inspect(['--method', 'tools/list'], `Bearer ${key}`);
    expect(listed).toMatchObject({ code: 0 });
    const { tools } = JSON.parse(listed.stdout) as ListToolsResult;
    const create = tools.find((t) => t.name === 'erp_customer_create');
    expect(create?.inputSchema).toMatchObject({
      type: 'object',
      properties: { customerName: expect.any(Object), customerType: expect.any(Object), idempotencyKey: expect.any(Object) },
      required: expect.arrayContaining(['customerName']),
    });
  });

  it('creates a customer in ERPNext through tools/call, once for a retried call with the same idempotency key', async () => {
    // Not valid JSON, so the CLI's key=value parser keeps both as strings.
    const customerName = `Inspector ${run}`;
    const idempotencyKey = randomUUID();
    const call = () =>
      inspect(['--method', 'tools/call', '--tool-name', 'erp_customer_create', '--tool-arg', `customerName=${customerName}`, 'customerType=Company', `idempotencyKey=${idempotencyKey}`], `Bearer ${key}`);

    // The CLI exits 0 for an error result too: the result itself says whether the call succeeded.
    const first = await call();
    expect(first).toMatchObject({ code: 0 });
    const created = JSON.parse(first.stdout) as CallToolResult;
    expect(created.isError).toBeFalsy();
    expect(created.structuredContent).toMatchObject({ commandId: idempotencyKey, customerName, alreadyExisted: false });
    expect(customersNamed(customerName)).toHaveLength(1);

    const again = await call();
    expect(again).toMatchObject({ code: 0 });
    expect((JSON.parse(again.stdout) as CallToolResult).structuredContent).toEqual(created.structuredContent);
    expect(customersNamed(customerName)).toHaveLength(1);
    expect(await db.prisma.commandResult.findUnique({ where: { commandId: idempotencyKey } })).toMatchObject({ tenantId: 'e2e-inspector', eventType: 'erp.customer.created', outcome: 'succeeded' });
  });

  it('refuses a client without a valid API key: non-zero exit, UNAUTHORIZED, nothing on stdout', async () => {
    const customerName = `Anonymous ${run}`;
    for (const authorization of [undefined, `Bearer jk_${run}-not-a-key`]) {
      const refused = await inspect(['--method', 'tools/call', '--tool-name', 'erp_customer_create', '--tool-arg', `customerName=${customerName}`, 'customerType=Company'], authorization);
      expect(refused.code).not.toBe(0);
      expect(refused.stderr).toContain('UNAUTHORIZED');
      expect(refused.stdout).toBe('');
    }
    expect(customersNamed(customerName)).toHaveLength(0);
  });
});
