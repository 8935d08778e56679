import { bootErpWorker, command, deliverUntilHandled, type ErpWorkerKit } from '../../../erp-worker.test-kit';
import { GetStockBalanceHandler } from './get-stock-balance.handler';

describe('GetStockBalanceHandler (Postgres + ERPNext sandbox)', () => {
  let kit: ErpWorkerKit;
  let handler: GetStockBalanceHandler;

  beforeAll(async () => {
    kit = await bootErpWorker([GetStockBalanceHandler]);
    handler = kit.get(GetStockBalanceHandler);
  });
  afterAll(() => kit?.close());
  afterEach(() => kit.sandbox.faults.clear());

  it('answers the Bin of the item in the warehouse; a pair without one is zero', async () => {
    const effects = kit.mark();
    const c = command('erp.stock-balance.get', { itemCode: 'SKU-001', warehouse: 'Stores - SBX' });
    await handler.execute(c);
    const bin = kit.sandbox.bin('SKU-001', 'Stores - SBX')!;
    expect(await kit.events(c.id)).toEqual([
      {
        type: 'erp.stock-balance.retrieved',
        payload: { commandId: c.id, itemCode: 'SKU-001', warehouse: 'Stores - SBX', actualQty: 100, projectedQty: 100, reservedQty: 0, orderedQty: 0, valuationRate: bin.valuation_rate, stockValue: bin.stock_value, hasBin: true },
      },
    ]);

    const none = command('erp.stock-balance.get', { itemCode: 'SKU-003', warehouse: 'Stores - SBX' });
    await handler.execute(none);
    expect((await kit.events(none.id))[0]!.payload).toMatchObject({ actualQty: 0, projectedQty: 0, hasBin: false });
    expect(effects()).toEqual([]);
  });

  it('a duplicate delivery reads nothing again', async () => {
    const c = command('erp.stock-balance.get', { itemCode: 'SKU-002', warehouse: 'Stores - SBX' });
    await handler.execute(c);
    const requests = kit.sandbox.requests.length;
    await handler.execute(c);
    expect(kit.sandbox.requests.length).toBe(requests);
    expect(await kit.events(c.id)).toHaveLength(1);
  });

  it('an unknown item or warehouse answers erp.stock-balance.get.failed (PROVIDER_NOT_FOUND), once', async () => {
    for (const payload of [{ itemCode: 'NOPE', warehouse: 'Stores - SBX' }, { itemCode: 'SKU-001', warehouse: 'Atlantis - SBX' }]) {
      const c = command('erp.stock-balance.get', payload);
      await handler.execute(c);
      await handler.execute(c);
      const events = await kit.events(c.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ type: 'erp.stock-balance.get.failed', payload: { code: 'PROVIDER_NOT_FOUND' } });
    }
  });

  it('rides out a 5xx storm', async () => {
    const c = command('erp.stock-balance.get', { itemCode: 'SKU-001', warehouse: 'Finished Goods - SBX' });
    kit.sandbox.faults.set({ failNext: { count: 4, status: 503 } });
    expect(await deliverUntilHandled(() => handler.execute(c))).toBeGreaterThan(1);
    expect((await kit.events(c.id))[0]).toMatchObject({ type: 'erp.stock-balance.retrieved', payload: { actualQty: 20 } });
  });
});
