import { IntegrationError } from '@junction/resilience';
import { ErpNextClient } from './erpnext.client';
import type { ErpNextDoc } from './erpnext.types';
import { ErpNextSandbox } from './sandbox/erpnext.sandbox';

async function failure(promise: Promise<unknown>): Promise<IntegrationError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(IntegrationError);
    return error as IntegrationError;
  }
  throw new Error('expected the call to fail');
}

const TODAY = '2025-03-10';

describe('ErpNextClient generic document API against the sandbox', () => {
  const sandbox = new ErpNextSandbox({ now: () => new Date(`${TODAY}T10:00:00`) });
  let client: ErpNextClient;

  beforeAll(async () => {
    const { url } = await sandbox.start();
    client = new ErpNextClient({ baseUrl: url, apiKey: 'sandbox-key', apiSecret: 'sandbox-secret' });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  const order = (extra: Record<string, unknown> = {}) =>
    client.insertDoc('Sales Order', {
      customer: 'Acme',
      delivery_date: '2025-03-20',
      po_no: 'SHOP-1001',
      items: [{ item_code: 'SKU-001', qty: 4 }, { item_code: 'SKU-002', qty: 1, rate: 100 }],
      ...extra,
    });

  describe('documents', () => {
    beforeEach(async () => {
      await client.createCustomer({ customer_name: 'Acme', customer_type: 'Company' });
    });

    it('inserts a draft Sales Order with computed amounts, naming series and child rows', async () => {
      const so = await order();
      expect(so).toMatchObject({
        name: 'SAL-ORD-2025-00001',
        docstatus: 0,
        status: 'Draft',
        customer: 'Acme',
        customer_name: 'Acme',
        transaction_date: TODAY,
        currency: 'USD',
        po_no: 'SHOP-1001',
        total_qty: 5,
        grand_total: 200,
      });
      expect(so.items).toEqual([
        expect.objectContaining({ item_code: 'SKU-001', qty: 4, rate: 25, amount: 100, warehouse: 'Stores - SBX', idx: 1, parent: so.name, doctype: 'Sales Order Item' }),
        expect.objectContaining({ item_code: 'SKU-002', qty: 1, rate: 100, amount: 100, idx: 2 }),
      ]);
      expect((await order()).name).toBe('SAL-ORD-2025-00002');
    });

    it('gets a document by name (URL-encoded) and maps a missing one to not_found', async () => {
      const so = await order();
      await expect(client.getDoc('Sales Order', so.name)).resolves.toMatchObject({ name: so.name, grand_total: 200 });
      await expect(client.getDoc('Customer', 'Acme')).resolves.toMatchObject({ customer_type: 'Company' });
      const error = await failure(client.getDoc('Sales Order', 'SAL-ORD-2025-99999'));
      expect(error).toMatchObject({ errorClass: 'not_found', retryable: false, status: 404, operation: 'getDoc Sales Order' });
      expect(error.message).toBe('ERPNext getDoc Sales Order failed (404 DoesNotExistError): Sales Order SAL-ORD-2025-99999 not found');
    });

    it('lists with filters on po_no (the natural key), fields and order; child tables are not listed', async () => {
      await order({ po_no: 'A-1' });
      await order({ po_no: 'B-2' });
      const rows = await client.listDocs('Sales Order', { filters: [['po_no', '=', 'B-2']], fields: ['name', 'po_no', 'grand_total', 'items'] });
      expect(rows).toEqual([{ name: 'SAL-ORD-2025-00002', po_no: 'B-2', grand_total: 200 }]);
      expect(await client.listDocs('Sales Order', { filters: { po_no: 'missing' } })).toEqual([]);
      const asc = await client.listDocs('Sales Order', { orderBy: 'name asc', limit: 1, start: 1 });
      expect(asc).toEqual([{ name: 'SAL-ORD-2025-00002' }]);
    });

    it('updates a draft (re-validated, totals recomputed), submits it, then refuses field edits after submit', async () => {
      const so = await order();
      const updated = await client.updateDoc('Sales Order', so.name, { items: [{ item_code: 'SKU-003', qty: 2 }] });
      expect(updated).toMatchObject({ grand_total: 99, total_qty: 2, docstatus: 0 });
      const submitted = await client.submitDoc('Sales Order', so.name);
      expect(submitted).toMatchObject({ docstatus: 1, status: 'To Deliver and Bill' });
      expect(sandbox.bin('SKU-003', 'Stores - SBX')).toMatchObject({ reserved_qty: 2, actual_qty: 0, projected_qty: -2 });
      // Submitting again is a no-op save, as on Frappe: safe to repeat.
      await expect(client.submitDoc('Sales Order', so.name)).resolves.toMatchObject({ docstatus: 1 });
      await expect(client.updateDoc('Sales Order', so.name, { po_no: 'NEW-PO' })).resolves.toMatchObject({ po_no: 'NEW-PO' });
      const error = await failure(client.updateDoc('Sales Order', so.name, { delivery_date: '2025-04-01' }));
      expect(error).toMatchObject({ errorClass: 'validation', status: 417 });
      expect(error.message).toBe('ERPNext updateDoc Sales Order failed (417 UpdateAfterSubmitError): Not allowed to change delivery_date after submission');
      expect(sandbox.ledger.map((e) => e.action)).toEqual(['created', 'created', 'updated', 'submitted', 'updated']);
    });

    it('cancels with frappe.client.cancel, releasing the reservation; cancelling a draft is a validation error', async () => {
      const so = await order();
      const draftCancel = await failure(client.cancelDoc('Sales Order', so.name));
      expect(draftCancel).toMatchObject({ errorClass: 'validation', operation: 'cancelDoc Sales Order' });
      expect(draftCancel.message).toContain('Cannot change docstatus from 0 to 2');
      await client.submitDoc('Sales Order', so.name);
      expect(sandbox.bin('SKU-001', 'Stores - SBX')).toMatchObject({ actual_qty: 100, reserved_qty: 4, projected_qty: 96 });
      await expect(client.cancelDoc('Sales Order', so.name)).resolves.toBeUndefined();
      await expect(client.getDoc('Sales Order', so.name)).resolves.toMatchObject({ docstatus: 2, status: 'Cancelled' });
      expect(sandbox.bin('SKU-001', 'Stores - SBX')).toMatchObject({ reserved_qty: 0, projected_qty: 100 });
      expect((await failure(client.cancelDoc('Sales Order', so.name))).message).toContain('Cannot edit cancelled document');
      expect((await failure(client.cancelDoc('Sales Order', 'nope'))).errorClass).toBe('not_found');
    });

    it('closes, holds and re-opens a submitted order with update_status; a draft is refused', async () => {
      const so = await order();
      const draft = await failure(client.updateSalesOrderStatus(so.name, 'Closed'));
      expect(draft).toMatchObject({ errorClass: 'validation', status: 417, operation: 'updateSalesOrderStatus' });
      await client.submitDoc('Sales Order', so.name);
      await client.updateSalesOrderStatus(so.name, 'On Hold');
      expect((await client.getDoc('Sales Order', so.name)).status).toBe('On Hold');
      await client.updateSalesOrderStatus(so.name, 'Closed');
      expect(sandbox.bin('SKU-001', 'Stores - SBX')).toMatchObject({ reserved_qty: 0 });
      expect((await failure(client.cancelDoc('Sales Order', so.name))).message).toContain('Closed order cannot be cancelled');
      await client.updateSalesOrderStatus(so.name, 'Draft');
      expect(await client.getDoc('Sales Order', so.name)).toMatchObject({ status: 'To Deliver and Bill', docstatus: 1 });
      expect(sandbox.bin('SKU-001', 'Stores - SBX')).toMatchObject({ reserved_qty: 4 });
      expect(sandbox.ledger.filter((e) => e.action === 'status_updated').map((e) => e.status)).toEqual(['On Hold', 'Closed', 'To Deliver and Bill']);
      expect((await failure(client.updateSalesOrderStatus(so.name, 'Bogus' as never))).message).toContain('Status must be one of');
    });

    it.each([
      [{ customer: 'Nobody' }, 'LinkValidationError', 'Could not find Customer: Nobody'],
      [{ items: [{ item_code: 'NOPE', qty: 1 }] }, 'LinkValidationError', 'Could not find Row #1: Item Code: NOPE'],
      [{ delivery_date: undefined }, 'MandatoryError', 'Error: Value missing for Sales Order: Delivery Date'],
      [{ items: [] }, 'MandatoryError', 'Error: Value missing for Sales Order: Items'],
      [{ items: [{ item_code: 'SKU-001' }] }, 'MandatoryError', 'Error: Items Row #1: Value missing for: Quantity'],
      [{ items: [{ item_code: 'SKU-001', qty: 0 }] }, 'ValidationError', 'Row #1: Quantity for Item SKU-001 cannot be zero or negative.'],
      [{ delivery_date: '2025-01-01' }, 'ValidationError', 'Expected Delivery Date should be after Sales Order Date'],
      [{ delivery_date: '31/12/2025' }, 'ValidationError', '31/12/2025 is not a valid date string.'],
      [{ currency: 'XYZ' }, 'LinkValidationError', 'Could not find Currency: XYZ'],
    ])('refuses an invalid Sales Order %j with 417 %s', async (patch, excType, message) => {
      const error = await failure(order(patch));
      expect(error).toMatchObject({ errorClass: 'validation', retryable: false, status: 417 });
      expect(error.message).toBe(`ERPNext insertDoc Sales Order failed (417 ${excType}): ${message}`);
      expect(sandbox.ledger.filter((e) => e.doctype === 'Sales Order')).toHaveLength(0);
    });
  });

  describe('stock', () => {
    it('receives, issues and transfers stock through Stock Entries that move Bin quantities on submit', async () => {
      const receipt = await client.insertDoc('Stock Entry', {
        stock_entry_type: 'Material Receipt',
        remarks: 'junction:cmd-1',
        items: [{ item_code: 'SKU-002', qty: 5, t_warehouse: 'Stores - SBX' }],
      });
      expect(receipt).toMatchObject({ name: 'MAT-STE-2025-00001', docstatus: 0, purpose: 'Material Receipt', total_incoming_value: 300 });
      expect(sandbox.bin('SKU-002', 'Stores - SBX')).toMatchObject({ actual_qty: 10 });
      await client.submitDoc('Stock Entry', receipt.name);
      expect(sandbox.bin('SKU-002', 'Stores - SBX')).toMatchObject({ actual_qty: 15, projected_qty: 15 });

      const transfer = await client.insertDoc('Stock Entry', {
        stock_entry_type: 'Material Transfer',
        from_warehouse: 'Stores - SBX',
        to_warehouse: 'Finished Goods - SBX',
        items: [{ item_code: 'SKU-002', qty: 12 }],
      });
      await client.submitDoc('Stock Entry', transfer.name);
      expect(sandbox.bin('SKU-002', 'Stores - SBX')).toMatchObject({ actual_qty: 3 });
      expect(sandbox.bin('SKU-002', 'Finished Goods - SBX')).toMatchObject({ actual_qty: 12 });

      const found = await client.listDocs('Stock Entry', { filters: [['remarks', 'like', '%cmd-1%']], fields: ['name', 'docstatus'] });
      expect(found).toEqual([{ name: receipt.name, docstatus: 1 }]);
      const bins = await client.listDocs('Bin', { filters: { item_code: 'SKU-002' }, fields: ['warehouse', 'actual_qty', 'projected_qty', 'reserved_qty'], orderBy: 'warehouse asc' });
      expect(bins).toEqual([
        { warehouse: 'Finished Goods - SBX', actual_qty: 12, projected_qty: 12, reserved_qty: 0 },
        { warehouse: 'Stores - SBX', actual_qty: 3, projected_qty: 3, reserved_qty: 0 },
      ]);
      expect(sandbox.documents('Stock Ledger Entry').filter((e) => e.voucher_no === transfer.name)).toHaveLength(2);
    });

    it('refuses to issue more than is in stock with NegativeStockError, leaving Bins unchanged', async () => {
      const issue = await client.insertDoc('Stock Entry', { stock_entry_type: 'Material Issue', items: [{ item_code: 'SKU-003', qty: 8, s_warehouse: 'Finished Goods - SBX' }] });
      const error = await failure(client.submitDoc('Stock Entry', issue.name));
      expect(error).toMatchObject({ errorClass: 'validation', status: 417 });
      expect(error.message).toBe(
        `ERPNext submitDoc Stock Entry failed (417 NegativeStockError): 3 units of Item SKU-003 needed in Warehouse Finished Goods - SBX on ${TODAY} 10:00:00 for Stock Entry ${issue.name} to complete this transaction.`,
      );
      expect(sandbox.bin('SKU-003', 'Finished Goods - SBX')).toMatchObject({ actual_qty: 5 });
      await expect(client.getDoc('Stock Entry', issue.name)).resolves.toMatchObject({ docstatus: 0 });
    });

    it.each([
      [{ stock_entry_type: 'Material Issue', items: [{ item_code: 'SKU-001', qty: 1 }] }, 'Source warehouse is mandatory for row 1'],
      [{ stock_entry_type: 'Material Receipt', items: [{ item_code: 'SKU-001', qty: 1 }] }, 'Target warehouse is mandatory for row 1'],
      [{ stock_entry_type: 'Material Transfer', items: [{ item_code: 'SKU-001', qty: 1, s_warehouse: 'Stores - SBX', t_warehouse: 'Stores - SBX' }] }, 'Source and target warehouse cannot be same for row 1'],
      [{ stock_entry_type: 'Material Receipt', items: [{ item_code: 'SVC-INSTALL', qty: 1, t_warehouse: 'Stores - SBX' }] }, 'Item SVC-INSTALL is not a stock Item'],
      [{ stock_entry_type: 'Teleport', items: [{ item_code: 'SKU-001', qty: 1 }] }, 'Could not find Stock Entry Type: Teleport'],
      [{ items: [{ item_code: 'SKU-001', qty: 1 }] }, 'Error: Value missing for Stock Entry: Stock Entry Type'],
    ])('refuses an invalid Stock Entry %j', async (doc, message) => {
      const error = await failure(client.insertDoc('Stock Entry', doc));
      expect(error).toMatchObject({ errorClass: 'validation', status: 417 });
      expect(error.message).toContain(message);
    });

    it('treats Bin as read-only (403 forbidden) and Item names as unique (409 conflict)', async () => {
      const bin = await failure(client.insertDoc('Bin', { item_code: 'SKU-001', warehouse: 'Stores - SBX', actual_qty: 1e6 }));
      expect(bin).toMatchObject({ errorClass: 'forbidden', status: 403 });
      await expect(client.insertDoc('Item', { item_code: 'NEW-1', item_group: 'Products' })).resolves.toMatchObject({ name: 'NEW-1', item_name: 'NEW-1', stock_uom: 'Nos', is_stock_item: 1 });
      const dup = await failure(client.insertDoc('Item', { item_code: 'NEW-1' }));
      expect(dup).toMatchObject({ errorClass: 'conflict', retryable: false, status: 409 });
      expect(dup.message).toBe('ERPNext insertDoc Item failed (409 DuplicateEntryError): Item NEW-1 already exists');
    });
  });

  describe('paging', () => {
    it('listAllDocs pages with limit_start until a short page: 45 customers at pageSize 20 → 3 requests', async () => {
      for (let i = 1; i <= 45; i += 1) await client.createCustomer({ customer_name: `C${String(i).padStart(2, '0')}`, customer_type: 'Company' });
      sandbox.requests.length = 0;
      const all = await client.listAllDocs<ErpNextDoc>('Customer', { fields: ['name'] }, { pageSize: 20 });
      expect(all.map((d) => d.name)).toEqual(Array.from({ length: 45 }, (_, i) => `C${String(i + 1).padStart(2, '0')}`));
      expect(sandbox.requests.map((r) => [r.method, r.path, r.status])).toEqual(Array(3).fill(['GET', '/api/resource/Customer', 200]));
    });

    it('makes one extra request when the last page is exactly full, and applies filters on every page', async () => {
      for (let i = 1; i <= 40; i += 1) await client.createCustomer({ customer_name: `D${i}`, customer_type: i % 2 ? 'Company' : 'Individual' });
      sandbox.requests.length = 0;
      const individuals = await client.listAllDocs('Customer', { filters: { customer_type: 'Individual' } }, { pageSize: 10 });
      expect(individuals).toHaveLength(20);
      expect(sandbox.requests).toHaveLength(3);
      await expect(client.listAllDocs('Customer', {}, { pageSize: 0 })).rejects.toThrow(RangeError);
    });
  });

  describe('methods and reports', () => {
    it('calls a whitelisted method by GET or POST and returns its message', async () => {
      await expect(client.callMethod('frappe.auth.get_logged_user', {}, { httpMethod: 'GET' })).resolves.toBe('Administrator');
      await expect(client.callMethod('frappe.auth.get_logged_user')).resolves.toBe('Administrator');
      const missing = await failure(client.callMethod('no.such.method'));
      expect(missing).toMatchObject({ errorClass: 'not_found', operation: 'callMethod no.such.method' });
      expect(missing.message).toContain('Failed to get method for command no.such.method');
    });

    it('runs Sales Order Analysis over submitted orders in the date range', async () => {
      await client.createCustomer({ customer_name: 'Acme', customer_type: 'Company' });
      const a = await order();
      const b = await order({ transaction_date: '2025-01-05', delivery_date: '2025-01-10' });
      await order(); // draft: not in the report
      await client.submitDoc('Sales Order', a.name);
      await client.submitDoc('Sales Order', b.name);
      const report = await client.runQueryReport('Sales Order Analysis', { company: 'Junction Sandbox', from_date: '2025-03-01', to_date: '2025-03-31' });
      expect(report.columns).toEqual(expect.arrayContaining([{ fieldname: 'sales_order', label: 'Sales Order', fieldtype: 'Link' }]));
      expect(report.result).toEqual([expect.objectContaining({ sales_order: a.name, customer: 'Acme', date: TODAY, status: 'To Deliver and Bill', amount: 200 })]);
      const missing = await failure(client.runQueryReport('Sales Order Analysis', { company: 'Junction Sandbox' }));
      expect(missing).toMatchObject({ errorClass: 'validation', status: 417, operation: 'runQueryReport Sales Order Analysis' });
      expect(missing.message).toContain('From and To Dates are required.');
    });

    it('runs Stock Balance from the stock ledger and Profit and Loss from submitted orders', async () => {
      const stock = await client.runQueryReport('Stock Balance', { from_date: '2025-01-01', to_date: TODAY, item_code: 'SKU-001' });
      expect(stock.result).toEqual([
        expect.objectContaining({ item_code: 'SKU-001', warehouse: 'Finished Goods - SBX', opening_qty: 20, bal_qty: 20 }),
        expect.objectContaining({ item_code: 'SKU-001', warehouse: 'Stores - SBX', opening_qty: 100, in_qty: 0, bal_qty: 100, bal_val: 1000 }),
      ]);
      await client.createCustomer({ customer_name: 'Acme', customer_type: 'Company' });
      await client.submitDoc('Sales Order', (await order()).name);
      const pl = await client.runQueryReport('Profit and Loss Statement', { company: 'Junction Sandbox', from_fiscal_year: '2025', to_fiscal_year: '2025', periodicity: 'Yearly' });
      expect(pl.columns.map((c) => c.fieldname)).toEqual(['account', 'dec_2025', 'total']);
      expect(pl.result).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ account: 'Sales - SBX', total: 200 }),
          expect.objectContaining({ account: 'Cost of Goods Sold - SBX', total: 100 }),
          expect.objectContaining({ account: 'Profit for the year', dec_2025: 100 }),
        ]),
      );
      expect((await failure(client.runQueryReport('Profit and Loss Statement', {}))).message).toContain('Company is mandatory');
    });

    it('maps an unknown report to not_found', async () => {
      const error = await failure(client.runQueryReport('General Ledger 2', { company: 'Junction Sandbox' }));
      expect(error).toMatchObject({ errorClass: 'not_found', status: 404 });
      expect(error.message).toBe('ERPNext runQueryReport General Ledger 2 failed (404 DoesNotExistError): Report General Ledger 2 not found');
    });
  });

  describe('error classes of every new method', () => {
    const calls: Array<[string, () => Promise<unknown>]> = [
      ['getDoc', () => client.getDoc('Item', 'SKU-001')],
      ['listDocs', () => client.listDocs('Item')],
      ['listAllDocs', () => client.listAllDocs('Item')],
      ['insertDoc', () => client.insertDoc('Item', { item_code: 'X' })],
      ['updateDoc', () => client.updateDoc('Item', 'SKU-001', { item_name: 'Y' })],
      ['submitDoc', () => client.submitDoc('Stock Entry', 'MAT-STE-2025-00001')],
      ['cancelDoc', () => client.cancelDoc('Stock Entry', 'MAT-STE-2025-00001')],
      ['callMethod', () => client.callMethod('frappe.auth.get_logged_user')],
      ['runQueryReport', () => client.runQueryReport('Stock Balance', { from_date: '2025-01-01', to_date: TODAY })],
      ['updateSalesOrderStatus', () => client.updateSalesOrderStatus('SAL-ORD-2025-00001', 'Closed')],
    ];

    it.each(calls)('%s: 429 → rate_limit with Retry-After, 500/503 → server, 401 → auth, 403 → forbidden, never a side effect', async (_name, call) => {
      sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 3 } });
      expect(await failure(call())).toMatchObject({ errorClass: 'rate_limit', retryable: true, status: 429, retryAfterMs: 3000 });
      sandbox.faults.set({ failNext: { count: 1, status: 500 } });
      expect(await failure(call())).toMatchObject({ errorClass: 'server', retryable: true, status: 500 });
      sandbox.faults.set({ failNext: { count: 1, status: 503, retryAfter: 1 } });
      expect(await failure(call())).toMatchObject({ errorClass: 'server', status: 503, retryAfterMs: 1000 });
      sandbox.faults.set({ failNext: { count: 1, status: 401 } });
      expect(await failure(call())).toMatchObject({ errorClass: 'auth', retryable: false, status: 401 });
      sandbox.faults.set({ failNext: { count: 1, status: 403 } });
      expect(await failure(call())).toMatchObject({ errorClass: 'forbidden', retryable: false, status: 403 });
      expect(sandbox.ledger).toHaveLength(0);
    });

    it('maps the sandbox\'s real AuthenticationError for a wrong secret to auth on every kind of call', async () => {
      const bad = new ErpNextClient({ baseUrl: sandbox.url, apiKey: 'sandbox-key', apiSecret: 'wrong-secret' });
      for (const call of [() => bad.getDoc('Item', 'SKU-001'), () => bad.listAllDocs('Item'), () => bad.insertDoc('Item', {}), () => bad.runQueryReport('Stock Balance', {}), () => bad.updateSalesOrderStatus('x', 'Closed')]) {
        expect(await failure(call())).toMatchObject({ errorClass: 'auth', status: 401 });
      }
      expect(sandbox.ledger).toHaveLength(0);
    });
  });
});
