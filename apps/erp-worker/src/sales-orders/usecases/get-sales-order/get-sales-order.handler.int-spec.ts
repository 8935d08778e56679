import { bootErpWorker, command, deliverUntilHandled, type ErpWorkerKit } from '../../../erp-worker.test-kit';
import { GetSalesOrderHandler } from './get-sales-order.handler';

describe('GetSalesOrderHandler (Postgres + ERPNext sandbox)', () => {
  let kit: ErpWorkerKit;
  let handler: GetSalesOrderHandler;
  let erpName: string;

  beforeAll(async () => {
    kit = await bootErpWorker([GetSalesOrderHandler]);
    handler = kit.get(GetSalesOrderHandler);
    await kit.client.insertDoc('Customer', { customer_name: 'Reader', customer_type: 'Company', customer_group: 'All Customer Groups', territory: 'All Territories' });
    const so = await kit.client.insertDoc('Sales Order', {
      customer: 'Reader',
      po_no: 'shopify:42',
      transaction_date: '2025-04-01',
      delivery_date: '2025-04-03',
      items: [
        { item_code: 'SKU-001', qty: 3, rate: 10 },
        { item_code: 'SKU-003', qty: 1, rate: 99.5 },
      ],
    });
    erpName = so.name;
  });
  afterAll(() => kit?.close());
  afterEach(() => kit.sandbox.faults.clear());

  it('reads the order by externalRef (po_no) or by name: header, status and lines; nothing written', async () => {
    const effects = kit.mark();
    const byRef = command('erp.sales-order.get', { externalRef: 'shopify:42' });
    const byName = command('erp.sales-order.get', { erpName });
    await handler.execute(byRef);
    await handler.execute(byName);
    const [event] = await kit.events(byRef.id);
    expect(event).toMatchObject({
      type: 'erp.sales-order.retrieved',
      payload: {
        erpName,
        externalRef: 'shopify:42',
        customer: 'Reader',
        status: 'Draft',
        docstatus: 0,
        transactionDate: '2025-04-01',
        deliveryDate: '2025-04-03',
        currency: 'USD',
        grandTotal: 129.5,
        itemsTruncated: 0,
      },
    });
    expect((event!.payload.items as unknown[]).map((i) => (i as { itemCode: string; qty: number; amount: number }))).toEqual([
      expect.objectContaining({ itemCode: 'SKU-001', qty: 3, amount: 30, warehouse: 'Stores - SBX' }),
      expect.objectContaining({ itemCode: 'SKU-003', qty: 1, amount: 99.5 }),
    ]);
    expect((await kit.events(byName.id))[0]!.payload).toMatchObject({ erpName, externalRef: 'shopify:42' });
    expect(effects()).toEqual([]);
    expect(await kit.ledger(byRef.id, 'sales-order.get')).toMatchObject({ outcome: 'read', externalRef: erpName });
  });

  it('a duplicate delivery reads nothing again and answers once', async () => {
    const c = command('erp.sales-order.get', { erpName });
    await handler.execute(c);
    const requests = kit.sandbox.requests.length;
    await handler.execute(c);
    expect(kit.sandbox.requests.length).toBe(requests);
    expect(await kit.events(c.id)).toHaveLength(1);
  });

  it('an unknown order answers erp.sales-order.get.failed (PROVIDER_NOT_FOUND), once', async () => {
    for (const payload of [{ erpName: 'SAL-ORD-2025-99999' }, { externalRef: 'shopify:unknown' }]) {
      const c = command('erp.sales-order.get', payload);
      await handler.execute(c);
      await handler.execute(c);
      const events = await kit.events(c.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'erp.sales-order.get.failed', payload: { code: 'PROVIDER_NOT_FOUND', errorClass: 'not_found' } });
    }
  });

  it('rides out a 5xx storm', async () => {
    const c = command('erp.sales-order.get', { externalRef: 'shopify:42' });
    kit.sandbox.faults.set({ failNext: { count: 4, status: 503 } });
    expect(await deliverUntilHandled(() => handler.execute(c))).toBeGreaterThan(1);
    expect((await kit.events(c.id)).map((e) => e.type)).toEqual(['erp.sales-order.retrieved']);
  });
});
