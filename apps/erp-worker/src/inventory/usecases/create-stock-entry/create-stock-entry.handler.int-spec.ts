import { ErpNextClient } from '@junction/connectors/erpnext';
import { IntegrationError } from '@junction/resilience';
import { bootErpWorker, command, deliverUntilHandled, type ErpWorkerKit } from '../../../erp-worker.test-kit';
import { CreateStockEntryHandler } from './create-stock-entry.handler';

/** Loses the answer of the next `lost` submits after ERPNext made them. */
class LosesSubmitAnswers extends ErpNextClient {
  static lost = 0;
  override async submitDoc<T>(...args: Parameters<ErpNextClient['submitDoc']>): Promise<T> {
    const doc = await super.submitDoc<T>(...args);
    if (LosesSubmitAnswers.lost-- > 0) throw new IntegrationError('network', 'connection reset', { provider: 'erpnext', operation: 'submitDoc' });
    return doc;
  }
}

describe('CreateStockEntryHandler (Postgres + ERPNext sandbox)', () => {
  let kit: ErpWorkerKit;
  let handler: CreateStockEntryHandler;
  let n = 0;

  beforeAll(async () => {
    kit = await bootErpWorker([CreateStockEntryHandler], { clientClass: LosesSubmitAnswers });
    handler = kit.get(CreateStockEntryHandler);
  });
  afterAll(() => kit?.close());
  afterEach(() => kit.sandbox.faults.clear());

  const actual = (item: string, warehouse: string) => Number(kit.sandbox.bin(item, warehouse)?.actual_qty ?? 0);
  const entries = () => kit.sandbox.documents('Stock Entry');

  it('receives stock with a submitted Material Receipt carrying the marker; the same externalRef again moves nothing', async () => {
    const before = actual('SKU-003', 'Stores - SBX');
    const externalRef = `GRN-${++n}`;
    const effects = kit.mark();
    const c = command('erp.stock-entry.create', { stockEntryType: 'Material Receipt', externalRef, remarks: 'Goods receipt', items: [{ itemCode: 'SKU-003', qty: 7, targetWarehouse: 'Stores - SBX', basicRate: 3 }] });
    await handler.execute(c);
    await handler.execute(c); // duplicate delivery
    expect(actual('SKU-003', 'Stores - SBX')).toBe(before + 7);
    const entry = entries().find((e) => String(e.remarks).includes(`junction:${externalRef}`))!;
    expect(entry).toMatchObject({ docstatus: 1, stock_entry_type: 'Material Receipt', remarks: `Goods receipt\njunction:${externalRef}` });
    expect(await kit.events(c.id)).toEqual([
      { type: 'erp.stock-entry.created', payload: { commandId: c.id, erpName: entry.name, stockEntryType: 'Material Receipt', externalRef, docstatus: 1, alreadyExisted: false } },
    ]);

    const resent = command('erp.stock-entry.create', c.payload); // a new command for the same receipt
    await handler.execute(resent);
    expect((await kit.events(resent.id))[0]!.payload).toMatchObject({ erpName: entry.name, alreadyExisted: true });
    expect(actual('SKU-003', 'Stores - SBX')).toBe(before + 7);
    expect(effects().map((e) => [e.doctype, e.action])).toEqual([
      ['Stock Entry', 'created'],
      ['Stock Entry', 'submitted'],
    ]);
    expect(await kit.ledger(resent.id, 'stock-entry.create')).toMatchObject({ outcome: 'existed', externalRef: entry.name });
  });

  it('transfers and issues stock (the command id is the key without an externalRef)', async () => {
    const transfer = command('erp.stock-entry.create', { stockEntryType: 'Material Transfer', items: [{ itemCode: 'SKU-001', qty: 5, sourceWarehouse: 'Stores - SBX', targetWarehouse: 'Finished Goods - SBX' }] });
    const [stores, goods] = [actual('SKU-001', 'Stores - SBX'), actual('SKU-001', 'Finished Goods - SBX')];
    await handler.execute(transfer);
    expect([actual('SKU-001', 'Stores - SBX'), actual('SKU-001', 'Finished Goods - SBX')]).toEqual([stores - 5, goods + 5]);
    expect(entries().some((e) => String(e.remarks) === `junction:${transfer.id}`)).toBe(true);

    const issue = command('erp.stock-entry.create', { stockEntryType: 'Material Issue', items: [{ itemCode: 'SKU-001', qty: 1, sourceWarehouse: 'Finished Goods - SBX' }] });
    await handler.execute(issue);
    expect(actual('SKU-001', 'Finished Goods - SBX')).toBe(goods + 4);
    expect((await kit.events(issue.id))[0]).toMatchObject({ type: 'erp.stock-entry.created', payload: { stockEntryType: 'Material Issue', externalRef: null } });
  });

  it('answers an issue of stock that is not there with erp.stock-entry.create.failed, once, and moves nothing', async () => {
    const before = actual('SKU-002', 'Stores - SBX');
    const c = command('erp.stock-entry.create', { stockEntryType: 'Material Issue', externalRef: `ISS-${++n}`, items: [{ itemCode: 'SKU-002', qty: 10_000, sourceWarehouse: 'Stores - SBX' }] });
    await handler.execute(c);
    await handler.execute(c);
    const events = await kit.events(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'erp.stock-entry.create.failed', payload: { code: 'PROVIDER_VALIDATION', deadLettered: false } });
    expect(events[0]!.payload.message).toMatch(/SKU-002/);
    expect(actual('SKU-002', 'Stores - SBX')).toBe(before);
  });

  it('never submits twice: a lost submit answer is found submitted by the redelivery', async () => {
    const before = actual('SKU-003', 'Finished Goods - SBX');
    const c = command('erp.stock-entry.create', { stockEntryType: 'Material Receipt', externalRef: `GRN-${++n}`, items: [{ itemCode: 'SKU-003', qty: 2, targetWarehouse: 'Finished Goods - SBX' }] });
    LosesSubmitAnswers.lost = 1;
    await expect(handler.execute(c)).rejects.toMatchObject({ retryable: true });
    await handler.execute(c);
    expect(actual('SKU-003', 'Finished Goods - SBX')).toBe(before + 2);
    expect(entries().filter((e) => String(e.remarks).endsWith(`junction:${c.payload.externalRef}`))).toHaveLength(1);
    expect((await kit.events(c.id))[0]!.payload).toMatchObject({ alreadyExisted: true, docstatus: 1 });
  });

  it('rides out a 5xx storm and moves the stock once', async () => {
    const before = actual('RM-STEEL', 'Work In Progress - SBX');
    const c = command('erp.stock-entry.create', { stockEntryType: 'Material Receipt', externalRef: `GRN-${++n}`, items: [{ itemCode: 'RM-STEEL', qty: 50, targetWarehouse: 'Work In Progress - SBX' }] });
    kit.sandbox.faults.set({ failNext: { count: 4, status: 503 } });
    expect(await deliverUntilHandled(() => handler.execute(c))).toBeGreaterThan(1);
    expect(actual('RM-STEEL', 'Work In Progress - SBX')).toBe(before + 50);
    expect((await kit.events(c.id)).map((e) => e.type)).toEqual(['erp.stock-entry.created']);
  });
});
