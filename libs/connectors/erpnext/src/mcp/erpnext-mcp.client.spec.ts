import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { McpCallError, McpCodes } from '@junction/mcp';
import { IntegrationError } from '@junction/resilience';
import { connectInMemory, fakeCallTool, integrationFailure as failure, sdkCallTool, textBlock as text } from '@junction/testing';
import { ErpNextClient, type ErpNextCallOptions } from '../erpnext.client';
import { ErpNextSandbox } from '../sandbox/erpnext.sandbox';
import { ErpNextMcpClient } from './erpnext-mcp.client';
import { createErpNextMcpServer } from './erpnext-mcp.server';
import type { ErpNextPort, McpToolResult } from './erpnext-mcp.tools';

describe('ErpNextMcpClient against the ERPNext MCP server (same results as ErpNextClient)', () => {
  const sandbox = new ErpNextSandbox({ now: () => new Date('2025-03-10T10:00:00') });
  let rest: ErpNextClient;
  let sdk: Client;
  let viaMcp: ErpNextMcpClient;

  beforeAll(async () => {
    const { url } = await sandbox.start(0);
    rest = new ErpNextClient({ baseUrl: url, apiKey: 'sandbox-key', apiSecret: 'sandbox-secret', timeoutMs: 2_000 });
    sdk = await connectInMemory(createErpNextMcpServer(rest));
    viaMcp = new ErpNextMcpClient({ callTool: sdkCallTool(sdk) });
  });
  afterAll(async () => {
    await sdk.close();
    await sandbox.stop();
  });

  /** Runs the same script through each port on a freshly reset site; both must answer the same. */
  async function same<T>(script: (port: ErpNextPort) => Promise<T>): Promise<T> {
    sandbox.reset();
    const expected = await script(rest);
    sandbox.reset();
    const actual = await script(viaMcp);
    expect(comparable(actual)).toEqual(comparable(expected));
    return actual;
  }

  /** Timestamps carry a microsecond counter that reset() does not rewind, and child rows get random hash names. */
  const comparable = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value ?? null)
        .replace(/(\d{2}:\d{2}:\d{2})\.\d{6}/g, '$1')
        .replace(/"name":"[0-9a-f]{10}"/g, '"name":"<row>"'),
    );

  const order = (port: ErpNextPort) =>
    port.insertDoc('Sales Order', { customer: 'Acme', delivery_date: '2025-03-20', po_no: 'SHOP-1', items: [{ item_code: 'SKU-001', qty: 4 }] });

  it('getLoggedUser', async () => {
    expect(await same((p) => p.getLoggedUser())).toBe('Administrator');
  });

  it('createCustomer, then findCustomerByName (found and not found); a duplicate is renamed the same way', async () => {
    const result = await same(async (p) => [
      await p.createCustomer({ customer_name: 'Acme', customer_type: 'Company' }),
      await p.createCustomer({ customer_name: 'Acme', customer_type: 'Company' }),
      await p.findCustomerByName('Acme'),
      await p.findCustomerByName('Nobody'),
    ]);
    // With two matches, which one comes back is not defined (as on a real site); both ports return the same one.
    expect(result).toEqual([{ name: 'Acme', customer_name: 'Acme' }, { name: 'Acme - 1', customer_name: 'Acme' }, { name: expect.stringMatching(/^Acme/), customer_name: 'Acme' }, null]);
  });

  it('insertDoc Sales Order + submitDoc + getDoc + listDocs + updateDoc', async () => {
    const [inserted, submitted, fetched, listed] = await same(async (p) => {
      await p.createCustomer({ customer_name: 'Acme', customer_type: 'Company' });
      const so = await order(p);
      return [
        so,
        await p.submitDoc('Sales Order', so.name),
        await p.getDoc('Sales Order', so.name),
        await p.listDocs('Sales Order', { filters: [['po_no', '=', 'SHOP-1']], fields: ['name', 'docstatus', 'grand_total'], orderBy: 'name asc' }),
        await p.listDocs('Sales Order', { start: 1 }),
        await p.updateDoc('Customer', 'Acme', { email_id: 'ops@acme.test' }),
      ];
    });
    expect(inserted).toMatchObject({ name: 'SAL-ORD-2025-00001', docstatus: 0, grand_total: 100 });
    expect(submitted).toMatchObject({ docstatus: 1, status: 'To Deliver and Bill' });
    expect(fetched).toEqual(submitted);
    expect(listed).toEqual([{ name: 'SAL-ORD-2025-00001', docstatus: 1, grand_total: 100 }]);
  });

  it('updateSalesOrderStatus and cancelDoc', async () => {
    const status = await same(async (p) => {
      await p.createCustomer({ customer_name: 'Acme', customer_type: 'Company' });
      const so = await p.submitDoc('Sales Order', (await order(p)).name);
      await p.updateSalesOrderStatus(so.name, 'On Hold');
      const held = await p.getDoc('Sales Order', so.name);
      await p.updateSalesOrderStatus(so.name, 'Draft');
      await p.cancelDoc('Sales Order', so.name);
      return [held.status, (await p.getDoc('Sales Order', so.name)).docstatus];
    });
    expect(status).toEqual(['On Hold', 2]);
  });

  it('runQueryReport', async () => {
    const report = await same((p) => p.runQueryReport('Stock Balance', { from_date: '2024-01-01', to_date: '2025-03-10', item_code: 'SKU-001' }));
    expect(report.result).toHaveLength(2);
  });

  it('a missing doc throws IntegrationError not_found, like the REST client', async () => {
    sandbox.reset();
    const fromRest = await failure(rest.getDoc('Sales Order', 'SAL-ORD-2025-99999'));
    const fromMcp = await failure(viaMcp.getDoc('Sales Order', 'SAL-ORD-2025-99999'));
    expect(fromMcp).toMatchObject({ errorClass: 'not_found', retryable: false, status: 404, provider: 'erpnext', operation: 'getDoc Sales Order' });
    expect(fromMcp.message).toBe(fromRest.message);
  });

  it('keeps the class of every REST failure: validation (417), rate limit with Retry-After, server (5xx)', async () => {
    sandbox.reset();
    expect(await failure(viaMcp.insertDoc('Sales Order', { customer: 'Nobody', items: [] }))).toMatchObject({ errorClass: 'validation', status: 417 });
    sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 2 } });
    expect(await failure(viaMcp.getLoggedUser())).toMatchObject({ errorClass: 'rate_limit', retryable: true, status: 429, retryAfterMs: 2_000 });
    sandbox.faults.set({ failNext: { count: 1, status: 503 } });
    expect(await failure(viaMcp.findCustomerByName('Acme'))).toMatchObject({ errorClass: 'server', retryable: true, status: 503, operation: 'findCustomerByName' });
    sandbox.faults.set({});
  });
});

describe('ErpNextMcpClient reading results (fake callTool)', () => {
  const fake = (result: McpToolResult | (() => Promise<McpToolResult>)) => fakeCallTool<ErpNextCallOptions>(result);

  it('falls back to the JSON text block when there is no structuredContent', async () => {
    const { callTool } = fake({ content: [text(JSON.stringify({ customer: { name: 'Acme', customer_name: 'Acme' } }))] });
    await expect(new ErpNextMcpClient({ callTool }).findCustomerByName('Acme')).resolves.toEqual({ name: 'Acme', customer_name: 'Acme' });
  });

  it('sends flat snake_case arguments to the configured tool name, with the call options', async () => {
    const { calls, callTool } = fake({ content: [], structuredContent: { data: [] } });
    const signal = new AbortController().signal;
    const client = new ErpNextMcpClient({ callTool, tools: { listDocs: 'frappe_list' } });
    await client.listDocs('Item', { filters: { disabled: 0 }, fields: ['name'], orderBy: 'name asc' }, { signal, headersTimeout: 500 });
    expect(calls).toEqual([{ name: 'frappe_list', args: { doctype: 'Item', filters: { disabled: 0 }, fields: ['name'], order_by: 'name asc', limit: 20 }, options: { signal, headersTimeout: 500 } }]);
  });

  it.each([
    [{ httpStatus: 409 }, 'conflict', 409],
    [{ httpStatus: 422 }, 'validation', 422],
    [{ httpStatus: 400 }, 'client', 400],
    [{ httpStatus: 401 }, 'auth', 401],
    [{ httpStatus: 403 }, 'forbidden', 403],
    [{ httpStatus: 502 }, 'server', 502],
    [{ errorClass: 'timeout' }, 'timeout', undefined],
    [{ errorClass: 'no-such-class', httpStatus: 404 }, 'not_found', 404],
  ])('classifies an error result from _meta %j as %s', async (meta, errorClass, status) => {
    const { callTool } = fake({ isError: true, content: [text('boom')], _meta: meta });
    const error = await failure(new ErpNextMcpClient({ callTool }).getDoc('Customer', 'Acme'));
    expect(error).toMatchObject({ errorClass, status, provider: 'erpnext', operation: 'getDoc Customer' });
    expect(error.message).toBe(`ERPNext getDoc Customer failed (MCP get_document${status ? ` ${status}` : ''}): boom`);
  });

  it.each([
    ['Customer Acme not found', 'not_found'],
    ['MCP error -32602: Input validation error: Invalid arguments for tool get_document', 'validation'],
    ['MCP error -32602: Tool get_document not found', 'client'],
    ['Too Many Requests', 'rate_limit'],
    ['something odd happened', 'client'],
  ])('classifies an error result without _meta from its text %j as %s', async (message, errorClass) => {
    const { callTool } = fake({ isError: true, content: [text(message)] });
    expect(await failure(new ErpNextMcpClient({ callTool }).getDoc('Customer', 'Acme'))).toMatchObject({ errorClass, status: undefined });
  });

  it.each<[string, McpToolResult]>([
    ['no structured output and no JSON text', { content: [text('ok')] }],
    ['the expected field missing', { content: [], structuredContent: { document: { name: 'x' } } }],
    ['a doc without a name', { content: [], structuredContent: { doc: { title: 'x' } } }],
  ])('a malformed result (%s) is a permanent client error', async (_label, result) => {
    const { callTool } = fake(result);
    expect(await failure(new ErpNextMcpClient({ callTool }).getDoc('Customer', 'Acme'))).toMatchObject({
      errorClass: 'client',
      retryable: false,
      message: 'ERPNext getDoc Customer returned an unexpected MCP tool result',
    });
  });

  it('classifies a call that threw: request timeout, closed connection, and an IntegrationError passes through', async () => {
    const timedOut = fake(() => Promise.reject(new McpError(ErrorCode.RequestTimeout, 'Request timed out')));
    expect(await failure(new ErpNextMcpClient(timedOut).getLoggedUser())).toMatchObject({ errorClass: 'timeout', retryable: true, operation: 'getLoggedUser' });
    const closed = fake(() => Promise.reject(new McpError(ErrorCode.ConnectionClosed, 'Connection closed')));
    expect(await failure(new ErpNextMcpClient(closed).cancelDoc('Sales Order', 'SO-1'))).toMatchObject({ errorClass: 'network', retryable: true });
    const own = new IntegrationError('circuit_open', 'open', { provider: 'erpnext', operation: 'x' });
    const passthrough = fake(() => Promise.reject(own));
    await expect(new ErpNextMcpClient(passthrough).getLoggedUser()).rejects.toBe(own);
  });

  it.each<[string, McpCallError, string, boolean]>([
    ['stdio server exited', new McpCallError('network', McpCodes.unreachable, 'MCP node tools/call create_customer: the server process exited or closed its output', { operation: 'tools/call create_customer' }), 'network', true],
    ['no answer in time', new McpCallError('timeout', McpCodes.timeout, 'MCP node tools/call create_customer: no answer within 500 ms', { operation: 'tools/call create_customer' }), 'timeout', true],
    ['HTTP 503', new McpCallError('server', McpCodes.unreachable, 'MCP http://erp-mcp tools/call create_customer: the server answered 503', { operation: 'tools/call create_customer', status: 503 }), 'server', true],
    ['HTTP 401', new McpCallError('auth', McpCodes.auth, 'MCP http://erp-mcp initialize: the server answered 401: the credentials were rejected', { operation: 'initialize', status: 401 }), 'auth', false],
    ['arguments outside the schema', new McpCallError('validation', McpCodes.invalidArguments, 'MCP node tools/call create_customer: customer_type: invalid option', { operation: 'tools/call create_customer' }), 'validation', false],
    // A tool the server does not list is our misconfiguration, not a Customer ERPNext lacks.
    ['unknown tool', new McpCallError('not_found', McpCodes.toolNotFound, 'MCP node tools/call create_customer: the server lists no tool named create_customer', { operation: 'tools/call create_customer' }), 'client', false],
  ])('an MCP client library failure (%s) reads as ERPNext’s (class kept, not_found → client; provider erpnext; the port operation; a PROVIDER_* code)', async (_label, thrown, errorClass, retryable) => {
    const error = await failure(new ErpNextMcpClient(fake(() => Promise.reject(thrown))).createCustomer({ customer_name: 'Acme', customer_type: 'Company' }));
    expect(error).not.toBe(thrown);
    expect(error).toMatchObject({ errorClass, retryable, provider: 'erpnext', operation: 'createCustomer', status: thrown.status, cause: thrown });
    expect(error.code).toMatch(/^PROVIDER_/);
    expect(error.message).toBe(`ERPNext createCustomer failed (MCP create_customer, ${thrown.code}): ${thrown.message}`);
  });
});
