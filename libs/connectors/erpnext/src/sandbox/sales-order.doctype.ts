/**
 * Sales Order as ERPNext validates and submits it: customer/item/warehouse links, mandatory fields, item rates
 * from the Item's standard rate, computed amounts and totals, SAL-ORD-YYYY-##### naming, reservation of stock
 * on submit, and the status machine of `update_status` (Close / Hold / Re-open).
 */
import type { Doc } from './frappe-query';
import { reserve } from './stock.doctype';
import { CURRENCIES } from './masters.doctype';
import { dateField, fail, LinkCheck, money, num, pick, requireFields, requireRowFields, rowsOf, todayOf, type DocTypeContext, type DocTypeSpec } from './doctype';

const FIELDS = ['customer', 'company', 'transaction_date', 'delivery_date', 'currency', 'conversion_rate', 'po_no', 'po_date', 'order_type', 'set_warehouse', 'items'] as const;
const ROW_FIELDS = ['item_code', 'qty', 'rate', 'delivery_date', 'warehouse', 'uom', 'description'] as const;
export const SALES_ORDER_STATUSES = ['Closed', 'On Hold', 'Draft'] as const;

function build(input: Doc, ctx: DocTypeContext): Doc {
  const doc: Doc = {
    company: ctx.company.name,
    transaction_date: todayOf(ctx.now()),
    order_type: 'Sales',
    currency: ctx.company.default_currency,
    conversion_rate: 1,
    po_no: null,
    po_date: null,
    set_warehouse: null,
    ...pick(input, FIELDS),
  };
  const rows = rowsOf(doc.items, 'Items').map((r) => pick(r, ROW_FIELDS));
  const links = new LinkCheck(ctx).link('Customer', 'Customer', doc.customer).link('Company', 'Company', doc.company);
  links.among(CURRENCIES, 'Currency', doc.currency).link('Warehouse', 'Set Source Warehouse', doc.set_warehouse);
  rows.forEach((r, i) => links.link('Item', 'Item Code', r.item_code, i + 1).link('Warehouse', 'Delivery Warehouse', r.warehouse, i + 1));
  links.throwIfAny();
  doc.items = rows;
  requireFields('Sales Order', doc, [
    ['customer', 'Customer'],
    ['transaction_date', 'Date'],
    ['delivery_date', 'Delivery Date'],
    ['company', 'Company'],
    ['currency', 'Currency'],
    ['items', 'Items'],
  ]);
  const customer = ctx.get('Customer', String(doc.customer))!;
  if (num(customer.disabled)) fail(`Customer ${String(customer.name)} is disabled`, 'PartyDisabled', 'Disabled Account');
  doc.customer = customer.name;
  doc.customer_name = customer.customer_name;
  doc.currency = String(doc.currency).toUpperCase();
  doc.transaction_date = dateField(doc.transaction_date);
  doc.delivery_date = dateField(doc.delivery_date);
  const warehouse = doc.set_warehouse ? ctx.get('Warehouse', String(doc.set_warehouse))!.name : `Stores - ${ctx.company.abbr}`;
  let total = 0;
  let totalQty = 0;
  rows.forEach((r, i) => {
    const idx = i + 1;
    requireRowFields('Items', r, idx, [['item_code', 'Item Code'], ['qty', 'Quantity']]);
    const item = ctx.get('Item', String(r.item_code))!;
    if (num(item.disabled)) fail(`Item ${String(item.name)} is disabled`);
    const qty = num(r.qty);
    if (qty <= 0) fail(`Row #${idx}: Quantity for Item <strong>${String(item.name)}</strong> cannot be zero or negative.`, 'ValidationError', 'Invalid Quantity');
    const rate = num(r.rate, num(item.standard_rate));
    if (rate < 0) fail(`Row #${idx}: Rate cannot be negative for Item ${String(item.name)}`);
    r.item_code = item.name;
    r.item_name = item.item_name;
    r.description = r.description ?? item.description ?? item.item_name;
    r.qty = qty;
    r.uom = r.uom ?? item.stock_uom;
    r.stock_uom = item.stock_uom;
    r.conversion_factor = 1;
    r.stock_qty = qty;
    r.rate = money(rate);
    r.amount = money(qty * rate);
    r.delivery_date = r.delivery_date === undefined || r.delivery_date === null ? doc.delivery_date : dateField(r.delivery_date);
    r.warehouse = num(item.is_stock_item) ? (r.warehouse ? ctx.get('Warehouse', String(r.warehouse))!.name : warehouse) : null;
    r.delivered_qty = 0;
    r.billed_amt = 0;
    total += num(r.amount);
    totalQty += qty;
  });
  for (const d of [doc.delivery_date, ...rows.map((r) => r.delivery_date)]) {
    if (String(d) < String(doc.transaction_date)) fail('Expected Delivery Date should be after Sales Order Date', 'ValidationError', 'Invalid Delivery Date');
  }
  doc.total_qty = totalQty;
  doc.total = money(total);
  doc.net_total = money(total);
  doc.base_grand_total = money(total * num(doc.conversion_rate, 1));
  doc.grand_total = money(total);
  doc.rounded_total = Math.round(total);
  doc.rounding_adjustment = money(Math.round(total) - total);
  doc.per_delivered = 0;
  doc.per_billed = 0;
  doc.status = 'Draft';
  return doc;
}

/** Reserved stock follows the order: taken on submit / re-open, released on close / cancel. */
function reserveRows(doc: Doc, ctx: DocTypeContext, sign: 1 | -1): void {
  for (const r of doc.items as Doc[]) if (r.warehouse) reserve(ctx, String(r.item_code), String(r.warehouse), sign * num(r.stock_qty));
}

export function salesOrderSpec(): DocTypeSpec {
  return {
    doctype: 'Sales Order',
    submittable: true,
    children: { items: 'Sales Order Item' },
    allowOnSubmit: ['po_no', 'po_date'],
    insert(body, ctx) {
      const doc = build(body, ctx);
      doc.name = ctx.nextName('SAL-ORD-.YYYY.-');
      return { doc };
    },
    save: (merged, ctx) => ({ ...build(merged, ctx), name: merged.name }),
    onSubmit(doc, ctx) {
      reserveRows(doc, ctx, 1);
      doc.status = 'To Deliver and Bill';
    },
    onCancel(doc, ctx) {
      if (doc.status === 'Closed') fail('Closed order cannot be cancelled. Unclose to cancel.');
      reserveRows(doc, ctx, -1);
      doc.status = 'Cancelled';
    },
  };
}

/**
 * `erpnext.selling.doctype.sales_order.sales_order.update_status(status, name)`. "Draft" re-opens: the status is
 * recomputed from the document (nothing delivered or billed here → "To Deliver and Bill").
 */
export function updateSalesOrderStatus(doc: Doc, status: unknown, ctx: DocTypeContext): void {
  if (!SALES_ORDER_STATUSES.includes(status as (typeof SALES_ORDER_STATUSES)[number])) {
    fail(`Status must be one of ${SALES_ORDER_STATUSES.join(', ')}`, 'ValidationError', 'Invalid Status');
  }
  const name = String(doc.name);
  if (doc.docstatus === 0) fail(`Sales Order ${name} must be submitted before its status can be set to ${String(status)}`, 'ValidationError', 'Not Submitted');
  if (doc.docstatus === 2) fail(`Sales Order ${name} is cancelled`, 'ValidationError', 'Cancelled');
  const wasClosed = doc.status === 'Closed';
  const next = status === 'Draft' ? 'To Deliver and Bill' : String(status);
  if (next === 'Closed' && !wasClosed) reserveRows(doc, ctx, -1);
  if (next !== 'Closed' && wasClosed) reserveRows(doc, ctx, 1);
  doc.status = next;
}
