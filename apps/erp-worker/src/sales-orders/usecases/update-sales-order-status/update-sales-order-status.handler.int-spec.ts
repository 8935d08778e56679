import { bootErpWorker, command, deliverUntilHandled, type ErpWorkerKit } from '../../../erp-worker.test-kit';
import { UpdateSalesOrderStatusHandler } from './update-sales-order-status.handler';

describe('UpdateSalesOrderStatusHandler (Postgres + ERPNext sandbox)', () => {
  let kit: ErpWorkerKit;
  let handler: UpdateSalesOrderStatusHandler;
  let n = 0;

  beforeAll(async () => {
    kit = await bootErpWorker([UpdateSalesOrderStatusHandler]);
    handler = kit.get(UpdateSalesOrderStatusHandler);
    await kit.client.insertDoc('Customer', { customer_name: 'Status Buyer', customer_type: 'Company', customer_group: 'All Customer Groups', territory: 'All Territories' });
  });
  afterAll(() => kit?.close());
  afterEach(() => kit.sandbox.faults.clear());

  /** A draft order, straight into the sandbox. */
  const draft = async () => {
    const externalRef = `ref-${++n}`;
    const doc = await kit.client.insertDoc('Sales Order', {
      customer: 'Status Buyer',
      po_no: externalRef,
      transaction_date: '2025-03-01',
      delivery_date: '2025-03-02',
      items: [{ item_code: 'SKU-001', qty: 1, rate: 10 }],
    });
    return { erpName: doc.name, externalRef };
  };
  const stateOf = (name: string) => kit.sandbox.documents('Sales Order').find((o) => o.name === name)!;

  it('submits a draft (found by externalRef) once; a duplicate delivery and a repeated command change nothing', async () => {
    const { erpName, externalRef } = await draft();
    const effects = kit.mark();
    const c = command('erp.sales-order.update-status', { externalRef, action: 'submit' });
    await handler.execute(c);
    await handler.execute(c);
    expect(stateOf(erpName)).toMatchObject({ docstatus: 1, status: 'To Deliver and Bill' });
    expect(await kit.events(c.id)).toEqual([
      { type: 'erp.sales-order.status-updated', payload: { commandId: c.id, erpName, action: 'submit', docstatus: 1, status: 'To Deliver and Bill', alreadyInState: false } },
    ]);

    const again = command('erp.sales-order.update-status', { erpName, action: 'submit' });
    await handler.execute(again);
    expect((await kit.events(again.id))[0]!.payload).toMatchObject({ alreadyInState: true, docstatus: 1 });
    expect(effects().map((e) => [e.name, e.action])).toEqual([[erpName, 'submitted']]);
    expect(await kit.ledger(again.id, 'sales-order.submit')).toMatchObject({ outcome: 'existed', externalRef: erpName });
  });

  it('closes a submitted order, then refuses to cancel it with ERPNext’s own reason, once', async () => {
    const { erpName } = await draft();
    await kit.client.submitDoc('Sales Order', erpName);
    const close = command('erp.sales-order.update-status', { erpName, action: 'close' });
    await handler.execute(close);
    expect(stateOf(erpName)).toMatchObject({ docstatus: 1, status: 'Closed' });
    expect((await kit.events(close.id))[0]).toMatchObject({ type: 'erp.sales-order.status-updated', payload: { status: 'Closed', alreadyInState: false } });

    const cancel = command('erp.sales-order.update-status', { erpName, action: 'cancel' });
    await handler.execute(cancel);
    await handler.execute(cancel);
    const events = await kit.events(cancel.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'erp.sales-order.update-status.failed', payload: { code: 'PROVIDER_VALIDATION', deadLettered: false } });
    expect(events[0]!.payload.message).toMatch(/Closed order cannot be cancelled/);
    expect(stateOf(erpName).docstatus).toBe(1);
  });

  it('cancels a submitted order; refuses to cancel a draft without calling ERPNext; an unknown order is not found', async () => {
    const submitted = await draft();
    await kit.client.submitDoc('Sales Order', submitted.erpName);
    const cancel = command('erp.sales-order.update-status', { erpName: submitted.erpName, action: 'cancel' });
    await handler.execute(cancel);
    expect(stateOf(submitted.erpName)).toMatchObject({ docstatus: 2, status: 'Cancelled' });
    expect((await kit.events(cancel.id))[0]!.payload).toMatchObject({ docstatus: 2, alreadyInState: false });

    const { erpName } = await draft();
    const effects = kit.mark();
    const refused = command('erp.sales-order.update-status', { erpName, action: 'cancel' });
    await handler.execute(refused);
    expect(effects()).toEqual([]);
    expect((await kit.events(refused.id))[0]).toMatchObject({ type: 'erp.sales-order.update-status.failed', payload: { code: 'PROVIDER_VALIDATION' } });

    const unknown = command('erp.sales-order.update-status', { externalRef: 'never-sent', action: 'submit' });
    await handler.execute(unknown);
    expect((await kit.events(unknown.id))[0]).toMatchObject({ type: 'erp.sales-order.update-status.failed', payload: { code: 'PROVIDER_NOT_FOUND' } });
  });

  it('rides out a 5xx storm and submits once', async () => {
    const { erpName } = await draft();
    const effects = kit.mark();
    const c = command('erp.sales-order.update-status', { erpName, action: 'submit' });
    kit.sandbox.faults.set({ failNext: { count: 4, status: 502 } });
    expect(await deliverUntilHandled(() => handler.execute(c))).toBeGreaterThan(1);
    expect(effects().map((e) => e.action)).toEqual(['submitted']);
    expect((await kit.events(c.id)).map((e) => e.type)).toEqual(['erp.sales-order.status-updated']);
  });
});
