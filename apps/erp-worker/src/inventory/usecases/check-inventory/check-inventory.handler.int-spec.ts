import { bootErpWorker, command, deliverUntilHandled, type ErpWorkerKit } from '../../../erp-worker.test-kit';
import { CheckInventoryHandler } from './check-inventory.handler';

/** The sandbox's opening stock: SKU-001 100 in Stores - SBX and 20 in Finished Goods - SBX. */
describe('CheckInventoryHandler (Postgres + ERPNext sandbox)', () => {
  let kit: ErpWorkerKit;
  let handler: CheckInventoryHandler;

  beforeAll(async () => {
    kit = await bootErpWorker([CheckInventoryHandler]);
    handler = kit.get(CheckInventoryHandler);
  });
  afterAll(() => kit?.close());
  afterEach(() => kit.sandbox.faults.clear());

  it('reports the item and its Bin in every warehouse, read to the last page, with totals; nothing written', async () => {
    // More warehouses than one Bin page (200) holds: every page is read.
    for (let i = 0; i < 205; i++) await kit.client.insertDoc('Warehouse', { warehouse_name: `Shelf ${i}` });
    await kit.client.insertDoc('Stock Entry', {
      stock_entry_type: 'Material Receipt',
      items: Array.from({ length: 205 }, (_, i) => ({ item_code: 'SKU-001', qty: 1, t_warehouse: `Shelf ${i} - SBX` })),
    }).then((d) => kit.client.submitDoc('Stock Entry', d.name));
    const effects = kit.mark();
    const c = command('erp.inventory.check', { itemCode: 'SKU-001' });
    await handler.execute(c);
    const [event] = await kit.events(c.id);
    expect(event).toMatchObject({ type: 'erp.inventory.checked', payload: { itemCode: 'SKU-001', isStockItem: true, disabled: false, totalActualQty: 325, truncated: 7 } });
    const warehouses = event!.payload.warehouses as Array<{ warehouse: string; actualQty: number }>;
    expect(warehouses).toHaveLength(200);
    expect(warehouses).toContainEqual(expect.objectContaining({ warehouse: 'Finished Goods - SBX', actualQty: 20 }));
    expect(effects()).toEqual([]);
  });

  it('only the warehouses named; one without a Bin is zero; reserved stock lowers projected', async () => {
    await kit.client.insertDoc('Customer', { customer_name: 'Reserver', customer_type: 'Company', customer_group: 'All Customer Groups', territory: 'All Territories' });
    const so = await kit.client.insertDoc('Sales Order', { customer: 'Reserver', transaction_date: '2025-01-01', delivery_date: '2025-01-02', items: [{ item_code: 'SKU-002', qty: 4, rate: 1 }] });
    await kit.client.submitDoc('Sales Order', so.name);
    const c = command('erp.inventory.check', { itemCode: 'SKU-002', warehouses: ['Stores - SBX', 'Finished Goods - SBX'] });
    await handler.execute(c);
    const [event] = await kit.events(c.id);
    expect(event!.payload).toMatchObject({
      totalActualQty: 10,
      totalProjectedQty: 6,
      truncated: 0,
      warehouses: [
        { warehouse: 'Stores - SBX', actualQty: 10, reservedQty: 4, projectedQty: 6, orderedQty: 0 },
        { warehouse: 'Finished Goods - SBX', actualQty: 0, reservedQty: 0, projectedQty: 0, orderedQty: 0 },
      ],
    });
  });

  it('a duplicate delivery reads nothing again', async () => {
    const c = command('erp.inventory.check', { itemCode: 'SKU-003' });
    await handler.execute(c);
    const requests = kit.sandbox.requests.length;
    await handler.execute(c);
    expect(kit.sandbox.requests.length).toBe(requests);
    expect(await kit.events(c.id)).toHaveLength(1);
  });

  it('an unknown item or warehouse answers erp.inventory.check.failed, once', async () => {
    const item = command('erp.inventory.check', { itemCode: 'NOPE' });
    await handler.execute(item);
    await handler.execute(item);
    const events = await kit.events(item.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'erp.inventory.check.failed', payload: { code: 'PROVIDER_NOT_FOUND' } });

    const warehouse = command('erp.inventory.check', { itemCode: 'SKU-001', warehouses: ['Moon Base - SBX'] });
    await handler.execute(warehouse);
    const [failed] = await kit.events(warehouse.id);
    expect(failed).toMatchObject({ type: 'erp.inventory.check.failed', payload: { code: 'PROVIDER_VALIDATION' } });
    expect(failed!.payload.message).toMatch(/Moon Base - SBX/);
  });

  it('rides out a 5xx storm', async () => {
    const c = command('erp.inventory.check', { itemCode: 'SKU-003' });
    kit.sandbox.faults.set({ failNext: { count: 4, status: 503 } });
    expect(await deliverUntilHandled(() => handler.execute(c))).toBeGreaterThan(1);
    expect((await kit.events(c.id))[0]).toMatchObject({ type: 'erp.inventory.checked', payload: { totalActualQty: 5 } });
  });
});
