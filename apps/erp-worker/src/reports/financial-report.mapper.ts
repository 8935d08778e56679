import { FINANCIAL_REPORTS, type MessagePayload } from '@junction/contracts';
import type { ErpNextReport } from '@junction/connectors/erpnext';

type Generate = MessagePayload<'erp.financial-report.generate'>;
type Generated = MessagePayload<'erp.financial-report.generated'>;
type Cell = string | number | boolean | null;

/** Rows stop here even under maxRows: the event goes through the outbox and the bus (Service Bus: 256 KiB a message). */
const ROWS_BUDGET_BYTES = 128 * 1024;
const MAX_COLUMNS = 200;
const MAX_CELL = 1_000;

/** The filters each ERPNext report takes for a company and a date range (names as in ERPNext's report JS). */
export function reportFilters(p: Generate): Record<string, unknown> {
  const range = { company: p.company, from_date: p.fromDate, to_date: p.toDate };
  switch (p.reportType) {
    case 'profit-and-loss':
    case 'balance-sheet':
      return { company: p.company, filter_based_on: 'Date Range', period_start_date: p.fromDate, period_end_date: p.toDate, periodicity: p.periodicity };
    case 'general-ledger':
      return { ...range, group_by: 'Group by Voucher (Consolidated)' };
    case 'accounts-receivable':
      // An as-of report: open receivables on toDate.
      return { company: p.company, report_date: p.toDate, ageing_based_on: 'Due Date', range1: 30, range2: 60, range3: 90, range4: 120 };
    case 'sales-order-analysis':
    case 'stock-balance':
      return range;
  }
}

export function reportNameOf(p: Generate): string {
  return FINANCIAL_REPORTS[p.reportType];
}

function cellOf(value: unknown): Cell {
  if (value === null || value === undefined) return null;
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean') return value;
  const s = typeof value === 'string' ? value : JSON.stringify(value);
  return s.length > MAX_CELL ? s.slice(0, MAX_CELL) : s;
}

/**
 * ERPNext's rows (objects keyed by fieldname, or arrays in column order on older reports) → rows keyed by the
 * columns' fieldnames, plus `indent` (the account tree of financial statements). Blank separator rows are dropped.
 * At most maxRows rows, and fewer when they would outgrow the event's budget; `truncated` counts the rest.
 */
export function toGenerated(commandId: string, p: Generate, report: ErpNextReport): Generated {
  const columns = report.columns.slice(0, MAX_COLUMNS).map((c, i) => ({
    fieldname: (c.fieldname || `column_${i + 1}`).slice(0, 140),
    label: (c.label ?? c.fieldname).slice(0, 280),
    fieldtype: c.fieldtype ? c.fieldtype.slice(0, 40) : null,
  }));
  const all = report.result
    .map((raw) => {
      const row: Record<string, Cell> = {};
      columns.forEach((c, i) => {
        const value = Array.isArray(raw) ? raw[i] : raw && typeof raw === 'object' ? (raw as Record<string, unknown>)[c.fieldname] : undefined;
        row[c.fieldname] = cellOf(value);
      });
      const indent = raw && typeof raw === 'object' && !Array.isArray(raw) ? (raw as Record<string, unknown>).indent : undefined;
      if (typeof indent === 'number' && columns.every((c) => c.fieldname !== 'indent')) row.indent = indent;
      return row;
    })
    .filter((row) => columns.some((c) => row[c.fieldname] !== null && row[c.fieldname] !== ''));
  const rows: Record<string, Cell>[] = [];
  let bytes = 0;
  for (const row of all.slice(0, p.maxRows)) {
    bytes += Buffer.byteLength(JSON.stringify(row));
    if (bytes > ROWS_BUDGET_BYTES) break;
    rows.push(row);
  }
  return {
    commandId,
    reportType: p.reportType,
    reportName: reportNameOf(p),
    company: p.company,
    fromDate: p.fromDate,
    toDate: p.toDate,
    columns,
    rows,
    totalRows: all.length,
    truncated: all.length - rows.length,
  };
}
