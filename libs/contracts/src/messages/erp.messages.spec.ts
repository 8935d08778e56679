import { Consumers } from '../topics/topology';
import { Subscriptions } from '../topics/topics';
import { erpFinancialReportGenerate, erpMessages, erpStockEntryCreate, erpWorkerCommands } from './erp.messages';
import { erpSalesOrderGet, erpSalesOrderUpdateStatus } from './erp-sales-order.messages';
import { repliesOf } from './registry';

describe('erp contracts', () => {
  it('every command erp-worker consumes is defined with its success and failure events, on erp.events', () => {
    expect(erpWorkerCommands).toHaveLength(10);
    expect(Consumers[Subscriptions.erpWorker]).toEqual(erpWorkerCommands);
    for (const type of erpWorkerCommands) {
      const replies = repliesOf(type)!;
      expect(replies.failed).toBe(`${type}.failed`);
      expect(erpMessages[replies.succeeded as keyof typeof erpMessages].topic).toBe('erp.events');
    }
    expect(repliesOf('erp.sales-order.update-status')).toEqual({ succeeded: 'erp.sales-order.status-updated', failed: 'erp.sales-order.update-status.failed' });
  });

  it('a sales order is named by erpName or externalRef, exactly one', () => {
    expect(erpSalesOrderGet.command.payload.safeParse({ erpName: 'SAL-ORD-2025-00001' }).success).toBe(true);
    expect(erpSalesOrderGet.command.payload.safeParse({ externalRef: 'shopify:1' }).success).toBe(true);
    expect(erpSalesOrderGet.command.payload.safeParse({}).success).toBe(false);
    expect(erpSalesOrderGet.command.payload.safeParse({ erpName: 'x', externalRef: 'y' }).success).toBe(false);
    expect(erpSalesOrderUpdateStatus.command.payload.safeParse({ erpName: 'x', action: 'reopen' }).success).toBe(false);
  });

  it('a stock entry names the warehouses its type moves stock between, and no other', () => {
    const parse = (stockEntryType: string, item: Record<string, unknown>) =>
      erpStockEntryCreate.command.payload.safeParse({ stockEntryType, items: [{ itemCode: 'A', qty: 1, ...item }] });
    expect(parse('Material Receipt', { targetWarehouse: 'Stores - X' }).success).toBe(true);
    expect(parse('Material Receipt', { sourceWarehouse: 'Stores - X' }).success).toBe(false);
    expect(parse('Material Issue', { sourceWarehouse: 'Stores - X' }).success).toBe(true);
    expect(parse('Material Issue', { sourceWarehouse: 'Stores - X', targetWarehouse: 'Y' }).success).toBe(false);
    expect(parse('Material Transfer', { sourceWarehouse: 'A - X', targetWarehouse: 'B - X' }).success).toBe(true);
    const missing = parse('Material Transfer', { sourceWarehouse: 'A - X' });
    expect(missing.success || missing.error.issues.map((i) => i.path.join('.'))).toEqual(['items.0.targetWarehouse']);
  });

  it('a financial report has a date range in order, a known type and a bounded row count (default 100)', () => {
    const base = { reportType: 'profit-and-loss', company: 'Acme', fromDate: '2025-01-01', toDate: '2025-12-31' };
    expect(erpFinancialReportGenerate.command.payload.parse(base)).toMatchObject({ maxRows: 100, periodicity: 'Yearly' });
    expect(erpFinancialReportGenerate.command.payload.safeParse({ ...base, toDate: '2024-12-31' }).success).toBe(false);
    expect(erpFinancialReportGenerate.command.payload.safeParse({ ...base, reportType: 'cash-flow' }).success).toBe(false);
    expect(erpFinancialReportGenerate.command.payload.safeParse({ ...base, maxRows: 501 }).success).toBe(false);
  });
});
