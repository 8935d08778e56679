/**
 * `frappe.desk.query_report.run` over the sandbox's documents, with the columns, filters and validation
 * messages of ERPNext's own script reports: Sales Order Analysis, Stock Balance, Profit and Loss Statement.
 * The sandbox has no invoices or GL: income is recognised from submitted Sales Orders on their date, cost
 * of goods sold at the items' valuation rate (a simplification that keeps the numbers traceable in tests).
 */
import { FrappeErrors, frappeThrow } from './frappe-responses';
import { QueryError, type Doc } from './frappe-query';
import { dateField, fail, isBlank, money, num, type DocTypeContext } from './doctype';

type Filters = Record<string, unknown>;
interface Column { fieldname: string; label: string; fieldtype: string; options?: string; width?: number }
interface Report { columns: Column[]; result: unknown[] }

const col = (fieldname: string, label: string, fieldtype: string, options?: string): Column => ({ fieldname, label, fieldtype, ...(options ? { options } : {}), width: 120 });

function dateRange(filters: Filters, missing: (which: 'from' | 'to') => string, reversed: string): [string, string] {
  if (isBlank(filters.from_date)) fail(missing('from'));
  if (isBlank(filters.to_date)) fail(missing('to'));
  const from = dateField(filters.from_date);
  const to = dateField(filters.to_date);
  if (to < from) fail(reversed);
  return [from, to];
}

const listFilter = (v: unknown): string[] | undefined =>
  isBlank(v) ? undefined : (Array.isArray(v) ? v : String(v).split(',')).map((x) => String(x).trim().toLowerCase());

function companyOf(ctx: DocTypeContext, filters: Filters): string | undefined {
  if (isBlank(filters.company)) return undefined;
  const company = ctx.get('Company', String(filters.company));
  if (!company) fail(`Could not find Company: ${String(filters.company)}`, 'LinkValidationError');
  return String(company.name);
}

function salesOrderAnalysis(ctx: DocTypeContext, filters: Filters): Report {
  const [from, to] = dateRange(filters, () => 'From and To Dates are required.', 'To Date cannot be before From Date.');
  const company = companyOf(ctx, filters);
  const statuses = listFilter(filters.status);
  const names = listFilter(filters.sales_order);
  const orders = ctx
    .all('Sales Order')
    .filter((o) => o.docstatus === 1 && !['Stopped', 'Closed', 'On Hold'].includes(String(o.status)))
    .filter((o) => String(o.transaction_date) >= from && String(o.transaction_date) <= to)
    .filter((o) => (company ? o.company === company : true))
    .filter((o) => (statuses ? statuses.includes(String(o.status).toLowerCase()) : true))
    .filter((o) => (names ? names.includes(String(o.name).toLowerCase()) : true))
    .sort((a, b) => String(a.transaction_date).localeCompare(String(b.transaction_date)) || String(a.name).localeCompare(String(b.name)));
  const result = orders.map((o) => {
    const qty = num(o.total_qty);
    const delivered = (o.items as Doc[]).reduce((s, r) => s + num(r.delivered_qty), 0);
    const billed = (o.items as Doc[]).reduce((s, r) => s + num(r.billed_amt), 0);
    return {
      date: o.transaction_date,
      sales_order: o.name,
      status: o.status,
      customer: o.customer,
      delivery_date: o.delivery_date,
      qty,
      delivered_qty: delivered,
      pending_qty: qty - delivered,
      amount: o.grand_total,
      billed_amount: billed,
      pending_amount: money(num(o.grand_total) - billed),
      currency: o.currency,
      company: o.company,
    };
  });
  const columns = [
    col('date', 'Date', 'Date'),
    col('sales_order', 'Sales Order', 'Link', 'Sales Order'),
    col('status', 'Status', 'Data'),
    col('customer', 'Customer', 'Link', 'Customer'),
    col('delivery_date', 'Delivery Date', 'Date'),
    col('qty', 'Qty', 'Float'),
    col('delivered_qty', 'Delivered Qty', 'Float'),
    col('pending_qty', 'Qty to Deliver', 'Float'),
    col('amount', 'Amount', 'Currency', 'currency'),
    col('billed_amount', 'Billed Amount', 'Currency', 'currency'),
    col('pending_amount', 'Pending Amount', 'Currency', 'currency'),
    col('currency', 'Currency', 'Link', 'Currency'),
    col('company', 'Company', 'Link', 'Company'),
  ];
  return { columns, result };
}

function stockBalance(ctx: DocTypeContext, filters: Filters): Report {
  const [from, to] = dateRange(filters, (w) => `'${w === 'from' ? 'From' : 'To'} Date' is required`, 'From Date must be before To Date');
  const item = isBlank(filters.item_code) ? undefined : String(filters.item_code).toLowerCase();
  const warehouse = isBlank(filters.warehouse) ? undefined : String(filters.warehouse).toLowerCase();
  const rows = new Map<string, { item_code: unknown; warehouse: unknown; [k: string]: unknown } & { opening_qty: number; in_qty: number; out_qty: number; bal_qty: number; bal_val: number }>();
  for (const e of ctx.all('Stock Ledger Entry')) {
    if (String(e.posting_date) > to) continue;
    if (item && String(e.item_code).toLowerCase() !== item) continue;
    if (warehouse && String(e.warehouse).toLowerCase() !== warehouse) continue;
    const key = `${String(e.item_code)}\u0000${String(e.warehouse)}`;
    const itemDoc = ctx.get('Item', String(e.item_code));
    const row = rows.get(key) ?? {
      item_code: e.item_code,
      item_name: itemDoc?.item_name ?? e.item_code,
      item_group: itemDoc?.item_group ?? null,
      warehouse: e.warehouse,
      stock_uom: itemDoc?.stock_uom ?? 'Nos',
      opening_qty: 0,
      in_qty: 0,
      out_qty: 0,
      bal_qty: 0,
      bal_val: 0,
    };
    const qty = num(e.actual_qty);
    if (String(e.posting_date) < from) row.opening_qty += qty;
    else if (qty > 0) row.in_qty += qty;
    else row.out_qty += -qty;
    row.bal_qty += qty;
    row.bal_val = money(row.bal_val + num(e.stock_value_difference));
    rows.set(key, row);
  }
  const result = [...rows.values()]
    .map((r) => ({ ...r, val_rate: r.bal_qty ? money(r.bal_val / r.bal_qty) : 0 }))
    .sort((a, b) => String(a.item_code).localeCompare(String(b.item_code)) || String(a.warehouse).localeCompare(String(b.warehouse)));
  const columns = [
    col('item_code', 'Item', 'Link', 'Item'),
    col('item_name', 'Item Name', 'Data'),
    col('item_group', 'Item Group', 'Link', 'Item Group'),
    col('warehouse', 'Warehouse', 'Link', 'Warehouse'),
    col('stock_uom', 'Stock UOM', 'Link', 'UOM'),
    col('opening_qty', 'Opening Qty', 'Float'),
    col('in_qty', 'In Qty', 'Float'),
    col('out_qty', 'Out Qty', 'Float'),
    col('bal_qty', 'Balance Qty', 'Float'),
    col('bal_val', 'Balance Value', 'Currency'),
    col('val_rate', 'Valuation Rate', 'Currency'),
  ];
  return { columns, result };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const SPAN: Record<string, number> = { Monthly: 1, Quarterly: 3, 'Half-Yearly': 6, Yearly: 12 };

/** Periods ending on month ends, keyed like ERPNext's get_period_list ("dec_2024"). */
function periods(from: string, to: string, periodicity: string): Array<{ key: string; label: string; from: string; to: string }> {
  const span = SPAN[periodicity];
  if (!span) fail(`Periodicity must be one of ${Object.keys(SPAN).join(', ')}`);
  const out = [];
  let y = Number(from.slice(0, 4));
  let m = Number(from.slice(5, 7)) - 1;
  let start = from;
  while (start <= to && out.length < 120) {
    const endMonth = m + span - 1;
    const ey = y + Math.floor(endMonth / 12);
    const em = endMonth % 12;
    const lastDay = new Date(Date.UTC(ey, em + 1, 0)).getUTCDate();
    const end = `${ey}-${String(em + 1).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
    const periodEnd = end > to ? to : end;
    out.push({ key: `${MONTHS[em]!.toLowerCase()}_${ey}`, label: `${MONTHS[em]!} ${ey}`, from: start, to: periodEnd });
    m = em + 1;
    y = ey + Math.floor(m / 12);
    m %= 12;
    start = `${y}-${String(m + 1).padStart(2, '0')}-01`;
  }
  return out;
}

function profitAndLoss(ctx: DocTypeContext, filters: Filters): Report {
  if (isBlank(filters.company)) fail('Company is mandatory');
  const company = companyOf(ctx, filters)!;
  const abbr = String(ctx.get('Company', company)!.abbr);
  let from: string;
  let to: string;
  if (!isBlank(filters.period_start_date) || !isBlank(filters.period_end_date)) {
    [from, to] = dateRange({ from_date: filters.period_start_date, to_date: filters.period_end_date }, (w) => `${w === 'from' ? 'Start' : 'End'} Date is mandatory`, 'End Date cannot be before Start Date');
  } else if (!isBlank(filters.from_fiscal_year)) {
    // Fiscal years are calendar years on the sandbox site ("2024").
    from = `${String(filters.from_fiscal_year)}-01-01`;
    to = `${String(filters.to_fiscal_year ?? filters.from_fiscal_year)}-12-31`;
    if (!/^\d{4}-01-01$/.test(from) || !/^\d{4}-12-31$/.test(to)) fail(`Fiscal Year ${String(filters.from_fiscal_year)} not found`);
    if (to < from) fail('To Fiscal Year cannot be before From Fiscal Year');
  } else {
    fail('Please set From Fiscal Year or Period Start Date');
  }
  const list = periods(from, to, String(filters.periodicity ?? 'Yearly'));
  const orders = ctx.all('Sales Order').filter((o) => o.docstatus === 1 && o.company === company);
  const income: Record<string, number> = {};
  const cogs: Record<string, number> = {};
  for (const p of list) {
    const inPeriod = orders.filter((o) => String(o.transaction_date) >= p.from && String(o.transaction_date) <= p.to);
    income[p.key] = money(inPeriod.reduce((s, o) => s + num(o.base_grand_total ?? o.grand_total), 0));
    cogs[p.key] = money(
      inPeriod.flatMap((o) => o.items as Doc[]).reduce((s, r) => s + num(r.stock_qty) * num(ctx.get('Item', String(r.item_code))?.valuation_rate), 0),
    );
  }
  const currency = String(ctx.get('Company', company)!.default_currency);
  const row = (account: string, values: Record<string, number>, indent: number, extra: Doc = {}) => ({
    account,
    account_name: account.replace(new RegExp(` - ${abbr}$`), ''),
    indent,
    currency,
    ...values,
    total: money(Object.values(values).reduce((s, v) => s + v, 0)),
    ...extra,
  });
  const profit = Object.fromEntries(list.map((p) => [p.key, money(income[p.key]! - cogs[p.key]!)]));
  const result = [
    row(`Income - ${abbr}`, income, 0, { is_group: 1 }),
    row(`Sales - ${abbr}`, income, 1, { parent_account: `Income - ${abbr}` }),
    row('Total Income (Credit)', income, 0),
    {},
    row(`Expenses - ${abbr}`, cogs, 0, { is_group: 1 }),
    row(`Cost of Goods Sold - ${abbr}`, cogs, 1, { parent_account: `Expenses - ${abbr}` }),
    row('Total Expense (Debit)', cogs, 0),
    {},
    row('Profit for the year', profit, 0),
  ];
  const columns = [
    col('account', 'Account', 'Link', 'Account'),
    ...list.map((p) => col(p.key, p.label, 'Currency', 'currency')),
    col('total', 'Total', 'Currency', 'currency'),
  ];
  return { columns, result };
}

const REPORTS: Record<string, (ctx: DocTypeContext, filters: Filters) => Report> = {
  'Sales Order Analysis': salesOrderAnalysis,
  'Stock Balance': stockBalance,
  'Profit and Loss Statement': profitAndLoss,
};

export const QUERY_REPORTS = Object.keys(REPORTS);

export function runQueryReport(ctx: DocTypeContext, reportName: unknown, rawFilters: unknown): Record<string, unknown> {
  if (isBlank(reportName)) throw new QueryError(FrappeErrors.internal('TypeError', "run() missing 1 required positional argument: 'report_name'"));
  const name = String(reportName);
  const entry = Object.entries(REPORTS).find(([n]) => n.toLowerCase() === name.toLowerCase());
  if (!entry) throw new QueryError(frappeThrow(404, 'DoesNotExistError', `Report ${name} not found`));
  let filters: unknown = rawFilters ?? {};
  if (typeof filters === 'string') {
    try {
      filters = filters.trim() === '' ? {} : JSON.parse(filters);
    } catch {
      throw new QueryError(FrappeErrors.internal('JSONDecodeError', 'invalid JSON in filters'));
    }
  }
  if (!filters || typeof filters !== 'object' || Array.isArray(filters)) fail('Filters must be a dict');
  const { columns, result } = entry[1](ctx, filters as Filters);
  return { result, columns, message: null, chart: null, report_summary: null, skip_total_row: 0, status: null, execution_time: 0.01, add_total_row: false };
}
