import { bootErpWorker, command, deliverUntilHandled, type ErpWorkerKit } from '../../../erp-worker.test-kit';
import { GetCustomerHandler } from './get-customer.handler';

describe('GetCustomerHandler (Postgres + ERPNext sandbox)', () => {
  let kit: ErpWorkerKit;
  let handler: GetCustomerHandler;

  beforeAll(async () => {
    kit = await bootErpWorker([GetCustomerHandler]);
    handler = kit.get(GetCustomerHandler);
    await kit.client.createCustomer({ customer_name: 'Acme Corp', customer_type: 'Company', customer_group: 'Commercial', territory: 'All Territories', email_id: 'ap@acme.example', tax_id: 'DE123' });
  });
  afterAll(() => kit?.close());
  afterEach(() => kit.sandbox.faults.clear());

  it('reads the Customer by customer_name (case-insensitively, like ERPNext) and writes nothing', async () => {
    const effects = kit.mark();
    const c = command('erp.customer.get', { customerName: 'acme corp' });
    await handler.execute(c);
    expect(await kit.events(c.id)).toEqual([
      {
        type: 'erp.customer.retrieved',
        payload: { commandId: c.id, customerName: 'acme corp', erpName: 'Acme Corp', customerType: 'Company', customerGroup: 'Commercial', territory: 'All Territories', email: 'ap@acme.example', taxId: 'DE123', disabled: false },
      },
    ]);
    expect(effects()).toEqual([]);
    expect(await kit.ledger(c.id, 'customer.get')).toMatchObject({ outcome: 'read', externalRef: 'Acme Corp' });
  });

  it('a duplicate delivery calls ERPNext no more and answers once', async () => {
    const c = command('erp.customer.get', { customerName: 'Acme Corp' });
    await handler.execute(c);
    const requests = kit.sandbox.requests.length;
    await handler.execute(c);
    expect(kit.sandbox.requests.length).toBe(requests);
    expect(await kit.events(c.id)).toHaveLength(1);
  });

  it('an unknown customer answers erp.customer.get.failed (PROVIDER_NOT_FOUND), once', async () => {
    const c = command('erp.customer.get', { customerName: 'Nobody Ltd' });
    await handler.execute(c);
    await handler.execute(c);
    const events = await kit.events(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'erp.customer.get.failed', payload: { commandId: c.id, code: 'PROVIDER_NOT_FOUND', errorClass: 'not_found', deadLettered: false } });
    expect(events[0]!.payload.message).toMatch(/Nobody Ltd/);
  });

  it('rides out a 5xx storm', async () => {
    const c = command('erp.customer.get', { customerName: 'Acme Corp' });
    kit.sandbox.faults.set({ failNext: { count: 4, status: 503 } });
    expect(await deliverUntilHandled(() => handler.execute(c))).toBeGreaterThan(1);
    expect((await kit.events(c.id)).map((e) => e.type)).toEqual(['erp.customer.retrieved']);
  });
});
