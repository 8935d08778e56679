import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectInMemory } from '@junction/testing';
import { ErpNextClient } from '../erpnext.client';
import { ErpNextSandbox } from '../sandbox/erpnext.sandbox';
import { createErpNextMcpServer } from './erpnext-mcp.server';
import { ERPNEXT_MCP_SERVER_TOOLS } from './erpnext-mcp.tools';

/** The real SDK client against the ERPNext MCP server, which calls the REST sandbox over HTTP. */
describe('ERPNext MCP server (SDK client, in-memory transport, REST sandbox)', () => {
  const sandbox = new ErpNextSandbox({ apiKey: 'sandbox-key', apiSecret: 'sandbox-secret-value' });
  let rest: ErpNextClient;
  let mcp: Client;

  beforeAll(async () => {
    const { url } = await sandbox.start(0);
    rest = new ErpNextClient({ baseUrl: url, apiKey: 'sandbox-key', apiSecret: 'sandbox-secret-value', timeoutMs: 2_000 });
    mcp = await connectInMemory(createErpNextMcpServer(rest));
  });
  afterAll(async () => {
    await mcp.close();
    await sandbox.stop();
  });
  beforeEach(() => sandbox.reset());

  const call = (name: string, args: Record<string, unknown> = {}) => mcp.callTool({ name, arguments: args });

  it('lists every tool with an input schema, an output schema and annotations', async () => {
    const { tools } = await mcp.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(Object.values(ERPNEXT_MCP_SERVER_TOOLS).sort());
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.annotations).toBeDefined();
    }
    expect(byName.get('get_document')!.inputSchema).toMatchObject({ properties: { doctype: { type: 'string' }, name: { type: 'string' } }, required: ['doctype', 'name'] });
    expect(byName.get('create_customer')!.inputSchema).toMatchObject({
      properties: { customer_name: { type: 'string' }, customer_type: { enum: ['Company', 'Individual', 'Partnership'] } },
      required: ['customer_name', 'customer_type'],
    });
    expect(byName.get('get_stock_balance')!.inputSchema.required).toEqual(['item_code']);
    expect(byName.get('get_documents')!.annotations).toMatchObject({ readOnlyHint: true });
    expect(byName.get('cancel_document')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: true });
    expect(byName.get('create_document')!.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false, idempotentHint: false });
    expect(byName.get('update_sales_order_status')!.annotations).toMatchObject({ idempotentHint: true });
  });

  it('create_customer creates a customer the REST sandbox then lists; structured output and its text twin agree', async () => {
    const result = await call('create_customer', { customer_name: 'Acme MCP', customer_type: 'Company', customer_group: 'Commercial' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({ customer: { name: 'Acme MCP', customer_name: 'Acme MCP' } });
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify(result.structuredContent) }]);

    const listed = await rest.listDocs('Customer', { fields: ['name', 'customer_group'] });
    expect(listed).toEqual([{ name: 'Acme MCP', customer_group: 'Commercial' }]);
    const found = await call('find_customer', { customer_name: 'Acme MCP' });
    expect(found.structuredContent).toEqual({ customer: { name: 'Acme MCP', customer_name: 'Acme MCP' } });
    expect((await call('find_customer', { customer_name: 'Nobody' })).structuredContent).toEqual({ customer: null });
  });

  it('get_document of a missing name is an error result with httpStatus 404 and the classified message', async () => {
    const result = await call('get_document', { doctype: 'Customer', name: 'Nobody Ltd' });
    expect(result.isError).toBe(true);
    expect(result._meta).toEqual({ httpStatus: 404, errorClass: 'not_found' });
    expect(result.content).toEqual([{ type: 'text', text: 'ERPNext getDoc Customer failed (404 DoesNotExistError): Customer Nobody Ltd not found' }]);
    expect(result.structuredContent).toBeUndefined();
  });

  it('passes a 417 ValidationError through as validation, and rate limits with their Retry-After', async () => {
    const invalid = await call('create_document', { doctype: 'Sales Order', doc: { customer: 'Nobody Ltd', items: [] } });
    expect(invalid).toMatchObject({ isError: true, _meta: { httpStatus: 417, errorClass: 'validation' } });

    sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 3 } });
    const limited = await call('get_logged_user');
    expect(limited).toMatchObject({ isError: true, _meta: { httpStatus: 429, errorClass: 'rate_limit', retryAfterMs: 3_000 } });
    expect((await call('get_logged_user')).structuredContent).toEqual({ user: 'Administrator' });
  });

  it('never echoes the credentials, even when the site quotes them back', async () => {
    // A site (or proxy) whose error page repeats the Authorization header it was sent.
    const echo = createServer((req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ exc_type: 'AuthenticationError', exception: `frappe.exceptions.AuthenticationError: bad ${req.headers.authorization}` }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    const leaky = new ErpNextClient({ baseUrl: `http://127.0.0.1:${(echo.address() as AddressInfo).port}`, apiKey: 'echo-key', apiSecret: 'echo-secret-value' });
    const other = await connectInMemory(createErpNextMcpServer(leaky));
    try {
      const result = await other.callTool({ name: 'get_logged_user', arguments: {} });
      expect(result).toMatchObject({ isError: true, _meta: { httpStatus: 401, errorClass: 'auth' } });
      expect(JSON.stringify(result)).toContain('[REDACTED]');
      expect(JSON.stringify(result)).not.toContain('echo-secret-value');
    } finally {
      await other.close();
      await new Promise((resolve) => echo.close(resolve));
    }
  });

  it('rejects arguments that break the input schema before calling ERPNext', async () => {
    const before = sandbox.requests.length;
    const result = await call('create_customer', { customer_name: 'X', customer_type: 'Robot' });
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toMatch(/Input validation error/);
    expect(sandbox.requests.length).toBe(before);
  });

  it('runs the document life cycle, reports and stock balance', async () => {
    await call('create_customer', { customer_name: 'Acme', customer_type: 'Company' });
    const inserted = await call('create_document', { doctype: 'Sales Order', doc: { customer: 'Acme', delivery_date: '2099-01-01', items: [{ item_code: 'SKU-001', qty: 4 }] } });
    const name = (inserted.structuredContent as { doc: { name: string } }).doc.name;
    expect((await call('submit_document', { doctype: 'Sales Order', name })).structuredContent).toMatchObject({ doc: { name, docstatus: 1 } });
    expect((await call('update_sales_order_status', { name, status: 'On Hold' })).structuredContent).toEqual({ ok: true });
    expect((await call('get_documents', { doctype: 'Sales Order', fields: ['name', 'status'], filters: [['name', '=', name]] })).structuredContent).toEqual({
      data: [{ name, status: 'On Hold' }],
    });
    expect((await call('update_sales_order_status', { name, status: 'Draft' })).isError).toBeFalsy();
    expect((await call('cancel_document', { doctype: 'Sales Order', name })).structuredContent).toEqual({ ok: true });
    expect((await call('get_document', { doctype: 'Sales Order', name })).structuredContent).toMatchObject({ doc: { docstatus: 2 } });

    const report = await call('run_report', { report_name: 'Stock Balance', filters: { item_code: 'SKU-001', from_date: '2024-01-01', to_date: '2099-12-31' } });
    expect(report.structuredContent).toMatchObject({ report: { columns: expect.arrayContaining([expect.objectContaining({ fieldname: 'bal_qty' })]) } });
    expect((report.structuredContent as { report: { result: unknown[] } }).report.result).toHaveLength(2);
    expect(await call('run_report', { report_name: 'Stock Balance', filters: {} })).toMatchObject({ isError: true, _meta: { errorClass: 'validation' } });

    const stock = await call('get_stock_balance', { item_code: 'SKU-001' });
    expect(stock.structuredContent).toMatchObject({ item_code: 'SKU-001', warehouse: null, actual_qty: 120 });
    const one = await call('get_stock_balance', { item_code: 'SKU-001', warehouse: 'Stores - SBX' });
    expect(one.structuredContent).toMatchObject({ warehouse: 'Stores - SBX', actual_qty: 100, bins: [expect.objectContaining({ warehouse: 'Stores - SBX', actual_qty: 100 })] });
  });
});
