import { request } from 'undici';
import { ErpNextSandbox } from './erpnext.sandbox';

const AUTH = 'token sandbox-key:sandbox-secret';

describe('ErpNextSandbox documents (raw HTTP)', () => {
  const sandbox = new ErpNextSandbox({ now: () => new Date('2025-06-01T09:30:00') });
  let url: string;

  beforeAll(async () => {
    ({ url } = await sandbox.start());
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  async function call(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown) {
    const res = await request(new URL(path, url), {
      method,
      headers: { authorization: AUTH, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, json: JSON.parse(text) as Record<string, any> };
  }

  it('seeds a company, warehouses, items and opening stock (Bins and Stock Ledger Entries), with an empty ledger', async () => {
    expect((await call('GET', '/api/resource/Warehouse?filters=[["is_group","=",0]]&order_by=name%20asc')).json.data.map((w: any) => w.name)).toEqual([
      'Finished Goods - SBX',
      'Stores - SBX',
      'Work In Progress - SBX',
    ]);
    expect((await call('GET', '/api/resource/Item/SKU-001')).json.data).toMatchObject({ item_code: 'SKU-001', item_name: 'Widget', stock_uom: 'Nos', is_stock_item: 1 });
    const bins = (await call('GET', '/api/resource/Bin?fields=["item_code","warehouse","actual_qty"]&limit=0')).json.data;
    expect(bins).toContainEqual({ item_code: 'SKU-001', warehouse: 'Stores - SBX', actual_qty: 100 });
    expect(sandbox.documents('Stock Ledger Entry').length).toBe(bins.length);
    expect(sandbox.ledger).toEqual([]);
    expect(new ErpNextSandbox({ seed: false }).documents('Bin')).toEqual([]);
  });

  it('submits by PUT {docstatus: 1} and cancels by PUT {docstatus: 2}, as Document.save does', async () => {
    await call('POST', '/api/resource/Customer', { customer_name: 'Zed' });
    const so = (await call('POST', '/api/resource/Sales%20Order', { customer: 'zed', delivery_date: '2025-06-02', items: [{ item_code: 'SKU-002', qty: 2 }] })).json.data;
    expect(so).toMatchObject({ name: 'SAL-ORD-2025-00001', customer: 'Zed', grand_total: 240, doctype: 'Sales Order' });
    const submitted = await call('PUT', `/api/resource/Sales%20Order/${so.name}`, { docstatus: 1 });
    expect(submitted.json.data).toMatchObject({ docstatus: 1, status: 'To Deliver and Bill', items: [expect.objectContaining({ docstatus: 1 })] });
    expect((await call('PUT', `/api/resource/Sales%20Order/${so.name}`, { docstatus: 0 })).json.exc_type).toBe('DocstatusTransitionError');
    expect((await call('PUT', `/api/resource/Sales%20Order/${so.name}`, { docstatus: 2 })).json.data).toMatchObject({ docstatus: 2, status: 'Cancelled' });
    const edit = await call('PUT', `/api/resource/Sales%20Order/${so.name}`, { po_no: 'x' });
    expect([edit.status, edit.json.exc_type]).toEqual([417, 'ValidationError']);
    expect(sandbox.ledger.map((e) => [e.method, e.doctype, e.action])).toEqual([
      ['POST', 'Customer', 'created'],
      ['POST', 'Sales Order', 'created'],
      ['PUT', 'Sales Order', 'submitted'],
      ['PUT', 'Sales Order', 'cancelled'],
    ]);
  });

  it('answers whitelisted methods that return None with an empty object, and refuses writes to Bin', async () => {
    await call('POST', '/api/resource/Customer', { customer_name: 'Zed' });
    const so = (await call('POST', '/api/resource/Sales%20Order', { customer: 'Zed', delivery_date: '2025-06-02', items: [{ item_code: 'SKU-001', qty: 1 }] })).json.data;
    await call('PUT', `/api/resource/Sales%20Order/${so.name}`, { docstatus: 1 });
    const closed = await call('POST', '/api/method/erpnext.selling.doctype.sales_order.sales_order.update_status', { status: 'Closed', name: so.name });
    expect([closed.status, closed.json]).toEqual([200, {}]);
    const bin = sandbox.documents('Bin').find((b) => b.item_code === 'SKU-001')!;
    const put = await call('PUT', `/api/resource/Bin/${String(bin.name)}`, { actual_qty: 5 });
    expect([put.status, put.json.exc_type]).toEqual([403, 'PermissionError']);
    expect((await call('DELETE', `/api/resource/Sales%20Order/${so.name}`)).status).toBe(405);
  });

  it('serves query_report.run by POST with filters as an object too, and 500s unparseable filters', async () => {
    const res = await call('POST', '/api/method/frappe.desk.query_report.run', { report_name: 'Stock Balance', filters: { from_date: '2025-01-01', to_date: '2025-06-01', warehouse: 'Work In Progress - SBX' } });
    expect(res.json.message.result).toEqual([expect.objectContaining({ item_code: 'RM-STEEL', bal_qty: 250 })]);
    const bad = await request(`${url}/api/method/frappe.desk.query_report.run?report_name=Stock%20Balance&filters={nope`, { headers: { authorization: AUTH } });
    expect(bad.statusCode).toBe(500);
    await bad.body.dump();
    const missing = await call('GET', '/api/method/frappe.desk.query_report.run?report_name=Stock%20Balance&filters={}');
    expect([missing.status, missing.json.exc_type]).toEqual([417, 'ValidationError']);
    expect(missing.json._server_messages).toContain("'From Date' is required");
  });
});
