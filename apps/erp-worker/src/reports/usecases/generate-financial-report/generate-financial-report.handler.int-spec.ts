import { bootErpWorker, command, deliverUntilHandled, type ErpWorkerKit } from '../../../erp-worker.test-kit';
import { GenerateFinancialReportHandler } from './generate-financial-report.handler';

describe('GenerateFinancialReportHandler (Postgres + ERPNext sandbox)', () => {
  let kit: ErpWorkerKit;
  let handler: GenerateFinancialReportHandler;
  const range = { company: 'Junction Sandbox', fromDate: '2025-01-01', toDate: '2025-12-31' };

  beforeAll(async () => {
    kit = await bootErpWorker([GenerateFinancialReportHandler]);
    handler = kit.get(GenerateFinancialReportHandler);
    await kit.client.insertDoc('Customer', { customer_name: 'Reported', customer_type: 'Company', customer_group: 'All Customer Groups', territory: 'All Territories' });
    for (const [date, qty] of [['2025-02-10', 2], ['2025-07-20', 3], ['2024-12-31', 9]] as const) {
      const so = await kit.client.insertDoc('Sales Order', { customer: 'Reported', transaction_date: date, delivery_date: date, items: [{ item_code: 'SKU-001', qty, rate: 100 }] });
      await kit.client.submitDoc('Sales Order', so.name);
    }
  });
  afterAll(() => kit?.close());
  afterEach(() => kit.sandbox.faults.clear());

  it('runs the Profit and Loss Statement for the range (blank separator rows dropped) and writes nothing', async () => {
    const effects = kit.mark();
    const c = command('erp.financial-report.generate', { ...range, reportType: 'profit-and-loss', periodicity: 'Yearly', maxRows: 100 });
    await handler.execute(c);
    const [event] = await kit.events(c.id);
    expect(event).toMatchObject({ type: 'erp.financial-report.generated', payload: { reportType: 'profit-and-loss', reportName: 'Profit and Loss Statement', truncated: 0, ...range } });
    const rows = event!.payload.rows as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(event!.payload.totalRows as number);
    expect(rows.find((r) => r.account === 'Sales - SBX')).toMatchObject({ total: 500, indent: 1 });
    expect(rows.every((r) => Object.values(r).some((v) => v !== null))).toBe(true);
    expect((event!.payload.columns as Array<{ fieldname: string }>)[0]).toMatchObject({ fieldname: 'account', label: 'Account' });
    expect(effects()).toEqual([]);
  });

  it('caps the rows at maxRows and says how many were left out', async () => {
    const c = command('erp.financial-report.generate', { ...range, fromDate: '2024-01-01', reportType: 'sales-order-analysis', periodicity: 'Yearly', maxRows: 1 });
    await handler.execute(c);
    const [event] = await kit.events(c.id);
    expect(event!.payload).toMatchObject({ reportName: 'Sales Order Analysis', totalRows: 3, truncated: 2 });
    expect(event!.payload.rows).toHaveLength(1);
  });

  it('a duplicate delivery runs nothing again', async () => {
    const c = command('erp.financial-report.generate', { ...range, reportType: 'stock-balance', periodicity: 'Yearly', maxRows: 50 });
    await handler.execute(c);
    const requests = kit.sandbox.requests.length;
    await handler.execute(c);
    expect(kit.sandbox.requests.length).toBe(requests);
    expect(await kit.events(c.id)).toHaveLength(1);
  });

  it('an unknown company answers erp.financial-report.generate.failed with ERPNext’s message, once', async () => {
    const c = command('erp.financial-report.generate', { ...range, company: 'Other Corp', reportType: 'profit-and-loss', periodicity: 'Yearly', maxRows: 10 });
    await handler.execute(c);
    await handler.execute(c);
    const events = await kit.events(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ type: 'erp.financial-report.generate.failed', payload: { deadLettered: false } });
    expect(events[0]!.payload.message).toMatch(/Other Corp/);
  });

  it('rides out a 5xx storm', async () => {
    const c = command('erp.financial-report.generate', { ...range, reportType: 'sales-order-analysis', periodicity: 'Yearly', maxRows: 10 });
    kit.sandbox.faults.set({ failNext: { count: 4, status: 503 } });
    expect(await deliverUntilHandled(() => handler.execute(c))).toBeGreaterThan(1);
    expect((await kit.events(c.id))[0]).toMatchObject({ type: 'erp.financial-report.generated', payload: { totalRows: 2 } });
  });
});
