import type { MessagePayload } from '@junction/contracts';
import { reportFilters, toGenerated } from './financial-report.mapper';

const request = (over: Partial<MessagePayload<'erp.financial-report.generate'>> = {}): MessagePayload<'erp.financial-report.generate'> => ({
  reportType: 'general-ledger',
  company: 'Acme',
  fromDate: '2025-01-01',
  toDate: '2025-03-31',
  periodicity: 'Yearly',
  maxRows: 100,
  ...over,
});
const id = '0b6c1c1e-6f0a-4a5e-9f39-3d1f2f6b7a11';

describe('financial report mapping', () => {
  it('sends each ERPNext report the filters it takes', () => {
    expect(reportFilters(request({ reportType: 'profit-and-loss', periodicity: 'Quarterly' }))).toEqual({
      company: 'Acme',
      filter_based_on: 'Date Range',
      period_start_date: '2025-01-01',
      period_end_date: '2025-03-31',
      periodicity: 'Quarterly',
    });
    expect(reportFilters(request({ reportType: 'accounts-receivable' }))).toMatchObject({ company: 'Acme', report_date: '2025-03-31' });
    expect(reportFilters(request({ reportType: 'stock-balance' }))).toEqual({ company: 'Acme', from_date: '2025-01-01', to_date: '2025-03-31' });
  });

  it('keys array rows (older reports) by column, drops blank rows, and bounds cells', () => {
    const generated = toGenerated(id, request(), {
      columns: [
        { fieldname: 'account', label: 'Account', fieldtype: 'Link' },
        { fieldname: 'debit', label: 'Debit', fieldtype: 'Currency' },
      ],
      result: [['Cash - A', 10], [], [null, null], ['x'.repeat(5_000), { nested: true }]],
    });
    expect(generated.rows).toEqual([
      { account: 'Cash - A', debit: 10 },
      { account: 'x'.repeat(1_000), debit: '{"nested":true}' },
    ]);
    expect(generated).toMatchObject({ totalRows: 2, truncated: 0, columns: [{ fieldname: 'account', fieldtype: 'Link' }, { fieldname: 'debit' }] });
  });

  it('stops below the event size budget even under maxRows, and counts what it left out', () => {
    const result = Array.from({ length: 500 }, (_, i) => ({ account: `${i}-${'y'.repeat(900)}`, debit: i }));
    const generated = toGenerated(id, request({ maxRows: 500 }), { columns: [{ fieldname: 'account', label: 'Account' }, { fieldname: 'debit', label: 'Debit' }], result });
    expect(generated.rows.length).toBeLessThan(500);
    expect(generated.rows.length).toBeGreaterThan(100);
    expect(generated.truncated).toBe(500 - generated.rows.length);
    expect(Buffer.byteLength(JSON.stringify(generated.rows))).toBeLessThanOrEqual(128 * 1024);
  });
});
