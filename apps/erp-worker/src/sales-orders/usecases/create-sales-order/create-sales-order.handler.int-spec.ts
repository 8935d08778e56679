import type { MessagePayload } from '@junction/contracts';
import { ErpNextClient } from '@junction/connectors/erpnext';
import { IntegrationError } from '@junction/resilience';
import { bootErpWorker, command, deliverUntilHandled, type ErpWorkerKit } from '../../../erp-worker.test-kit';
import { CreateSalesOrderHandler } from './create-sales-order.handler';

/** Loses the answer of the next `lost` Sales Order inserts after ERPNext made them (a timeout after the write). */
class LosesInsertAnswers extends ErpNextClient {
  static lost = 0;
  override async insertDoc<T>(...args: Parameters<ErpNextClient['insertDoc']>): Promise<T> {
    const doc = await super.insertDoc<T>(...args);
    if (args[0] === 'Sales Order' && LosesInsertAnswers.lost-- > 0) {
      throw new IntegrationError('timeout', 'ERPNext did not answer in time', { provider: 'erpnext', operation: 'insertDoc Sales Order' });
    }
    return doc;
  }
}

describe('CreateSalesOrderHandler (Postgres + ERPNext sandbox)', () => {
  let kit: ErpWorkerKit;
  let handler: CreateSalesOrderHandler;
  let n = 0;

  beforeAll(async () => {
    kit = await bootErpWorker([CreateSalesOrderHandler], { clientClass: LosesInsertAnswers });
    handler = kit.get(CreateSalesOrderHandler);
  });
  afterAll(() => kit?.close());
  afterEach(() => kit.sandbox.faults.clear());

  const order = (over: Partial<MessagePayload<'erp.sales-order.create'>> = {}): MessagePayload<'erp.sales-order.create'> => ({
    externalRef: `shopify:${++n}00${Date.now()}`,
    customerName: `Buyer ${n}`,
    transactionDate: '2025-03-01',
    deliveryDate: '2025-03-05',
    currency: 'USD',
    email: `buyer${n}@example.com`,
    items: [
      { itemCode: 'SKU-001', qty: 2, rate: 12.5 },
      { itemCode: 'SKU-002', itemName: 'Widget', qty: 1, rate: 40 },
    ],
    grandTotal: 65,
    ...over,
  });
  const ordersWithRef = (ref: string) => kit.sandbox.documents('Sales Order').filter((o) => o.po_no === ref);

  it('creates the customer, then one draft Sales Order carrying externalRef in po_no, and answers erp.sales-order.created', async () => {
    const c = command('erp.sales-order.create', order());
    const effects = kit.mark();
    await handler.execute(c);

    expect(effects().map((e) => [e.doctype, e.action])).toEqual([
      ['Customer', 'created'],
      ['Sales Order', 'created'],
    ]);
    const [so] = ordersWithRef(c.payload.externalRef);
    expect(so).toMatchObject({ customer: c.payload.customerName, docstatus: 0, currency: 'USD', grand_total: 65, transaction_date: '2025-03-01', delivery_date: '2025-03-05' });
    expect((so!.items as Array<Record<string, unknown>>).map((r) => [r.item_code, r.qty, r.rate])).toEqual([
      ['SKU-001', 2, 12.5],
      ['SKU-002', 1, 40],
    ]);
    expect(kit.sandbox.documents('Customer').find((d) => d.customer_name === c.payload.customerName)).toMatchObject({ email_id: c.payload.email });
    expect(await kit.events(c.id)).toEqual([
      {
        type: 'erp.sales-order.created',
        payload: { commandId: c.id, externalRef: c.payload.externalRef, erpName: so!.name, customer: c.payload.customerName, customerCreated: true, alreadyExisted: false, docstatus: 0, grandTotal: 65 },
      },
    ]);
    expect(so!.name).toMatch(/^SAL-ORD-\d{4}-\d{5}$/);
    expect(await kit.ledger(c.id, 'sales-order.create')).toMatchObject({ outcome: 'created', externalRef: so!.name, naturalKey: c.payload.externalRef });
  });

  it('uses the customer ERPNext already has instead of creating another', async () => {
    const first = command('erp.sales-order.create', order());
    await handler.execute(first);
    const second = command('erp.sales-order.create', order({ customerName: first.payload.customerName }));
    const effects = kit.mark();
    await handler.execute(second);
    expect(effects().map((e) => [e.doctype, e.action])).toEqual([['Sales Order', 'created']]);
    expect((await kit.events(second.id))[0]!.payload).toMatchObject({ customerCreated: false, alreadyExisted: false });
  });

  it('a duplicate delivery has no effect; the same order under a new command id finds the first order', async () => {
    const c = command('erp.sales-order.create', order());
    await handler.execute(c);
    const effects = kit.mark();
    const requests = kit.sandbox.requests.length;
    await handler.execute(c); // the broker delivers it again
    expect(kit.sandbox.requests.length).toBe(requests);
    expect(await kit.events(c.id)).toHaveLength(1);

    const replayed = command('erp.sales-order.create', c.payload); // the webhook replayed: a new command, the same externalRef
    await handler.execute(replayed);
    expect(effects()).toEqual([]);
    expect(ordersWithRef(c.payload.externalRef)).toHaveLength(1);
    const [event] = await kit.events(replayed.id);
    expect(event).toMatchObject({ type: 'erp.sales-order.created', payload: { alreadyExisted: true, erpName: ordersWithRef(c.payload.externalRef)[0]!.name } });
    expect(await kit.ledger(replayed.id, 'sales-order.create')).toMatchObject({ outcome: 'existed' });
  });

  it('answers an order ERPNext rejects (an item it does not know) with erp.sales-order.create.failed, once', async () => {
    const c = command('erp.sales-order.create', order({ items: [{ itemCode: 'NO-SUCH-ITEM', qty: 1, rate: 1 }] }));
    const effects = kit.mark();
    await handler.execute(c);
    await handler.execute(c);
    const events = await kit.events(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'erp.sales-order.create.failed', payload: { commandId: c.id, commandType: 'erp.sales-order.create', code: 'PROVIDER_VALIDATION', errorClass: 'validation', deadLettered: false } });
    expect(events[0]!.payload.message).toMatch(/NO-SUCH-ITEM/);
    expect(ordersWithRef(c.payload.externalRef)).toHaveLength(0);
    // The customer it needed was created first and stays: the next order for it finds it.
    expect(effects().map((e) => [e.doctype, e.action])).toEqual([['Customer', 'created']]);
  });

  it('rides out a 5xx storm: retried (within the call, then by redelivery) and one order in the end', async () => {
    const c = command('erp.sales-order.create', order());
    kit.sandbox.faults.set({ failNext: { count: 5, status: 503 } });
    const deliveries = await deliverUntilHandled(() => handler.execute(c));
    expect(deliveries).toBeGreaterThan(1);
    expect(ordersWithRef(c.payload.externalRef)).toHaveLength(1);
    expect((await kit.events(c.id)).map((e) => e.type)).toEqual(['erp.sales-order.created']);
  });

  it('never repeats an insert whose answer was lost: the redelivery finds the order by po_no', async () => {
    const c = command('erp.sales-order.create', order());
    LosesInsertAnswers.lost = 1;
    await expect(handler.execute(c)).rejects.toMatchObject({ errorClass: 'timeout', retryable: true });
    await handler.execute(c);
    expect(ordersWithRef(c.payload.externalRef)).toHaveLength(1);
    expect((await kit.events(c.id))[0]!.payload).toMatchObject({ alreadyExisted: true, customerCreated: false });
  });
});
