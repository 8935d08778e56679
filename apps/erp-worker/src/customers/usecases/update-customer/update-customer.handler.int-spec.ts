import { bootErpWorker, command, deliverUntilHandled, type ErpWorkerKit } from '../../../erp-worker.test-kit';
import { UpdateCustomerHandler } from './update-customer.handler';

describe('UpdateCustomerHandler (Postgres + ERPNext sandbox)', () => {
  let kit: ErpWorkerKit;
  let handler: UpdateCustomerHandler;
  let n = 0;

  beforeAll(async () => {
    kit = await bootErpWorker([UpdateCustomerHandler]);
    handler = kit.get(UpdateCustomerHandler);
  });
  afterAll(() => kit?.close());
  afterEach(() => kit.sandbox.faults.clear());

  const customer = async () => {
    const name = `Client ${++n}`;
    await kit.client.createCustomer({ customer_name: name, customer_type: 'Company', customer_group: 'Commercial', territory: 'All Territories' });
    return name;
  };
  const stored = (name: string) => kit.sandbox.documents('Customer').find((d) => d.name === name)!;

  it('writes only the fields that differ, once; a duplicate delivery and a repeated command write nothing', async () => {
    const name = await customer();
    const effects = kit.mark();
    const c = command('erp.customer.update', { customerName: name, changes: { customerGroup: 'Government', email: 'billing@client.example', customerType: 'Company', disabled: true } });
    await handler.execute(c);
    await handler.execute(c);
    expect(stored(name)).toMatchObject({ customer_group: 'Government', email_id: 'billing@client.example', disabled: 1 });
    expect(await kit.events(c.id)).toEqual([
      { type: 'erp.customer.updated', payload: { commandId: c.id, customerName: name, erpName: name, changed: ['customerGroup', 'email', 'disabled'] } },
    ]);
    expect(await kit.ledger(c.id, 'customer.update')).toMatchObject({ outcome: 'updated', externalRef: name });

    const again = command('erp.customer.update', c.payload);
    await handler.execute(again);
    expect((await kit.events(again.id))[0]!.payload).toMatchObject({ changed: [] });
    expect(effects().map((e) => [e.name, e.action])).toEqual([[name, 'updated']]);
  });

  it('answers a group ERPNext does not know, or an unknown customer, with erp.customer.update.failed, once', async () => {
    const name = await customer();
    const c = command('erp.customer.update', { customerName: name, changes: { customerGroup: 'No Such Group' } });
    await handler.execute(c);
    await handler.execute(c);
    const events = await kit.events(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'erp.customer.update.failed', payload: { code: 'PROVIDER_VALIDATION' } });
    expect(events[0]!.payload.message).toMatch(/No Such Group/);
    expect(stored(name).customer_group).toBe('Commercial');

    const unknown = command('erp.customer.update', { customerName: 'Ghost GmbH', changes: { taxId: 'X' } });
    await handler.execute(unknown);
    expect((await kit.events(unknown.id))[0]).toMatchObject({ type: 'erp.customer.update.failed', payload: { code: 'PROVIDER_NOT_FOUND' } });
  });

  it('rides out a 5xx storm and updates once', async () => {
    const name = await customer();
    const effects = kit.mark();
    const c = command('erp.customer.update', { customerName: name, changes: { taxId: 'FR999' } });
    kit.sandbox.faults.set({ failNext: { count: 4, status: 503 } });
    expect(await deliverUntilHandled(() => handler.execute(c))).toBeGreaterThan(1);
    expect(stored(name).tax_id).toBe('FR999');
    expect(effects()).toHaveLength(1);
    expect((await kit.events(c.id)).map((e) => e.type)).toEqual(['erp.customer.updated']);
  });
});
