/**
 * Stock: Bin (per item × warehouse quantities, maintained by the server: read-only over REST), Stock Ledger
 * Entry (one per moved row, read-only) and Stock Entry (Material Receipt / Issue / Transfer), whose submit and
 * cancel move `actual_qty` and refuse to go negative as ERPNext does (NegativeStockError).
 */
import type { Doc } from './frappe-query';
import { dateField, fail, isBlank, LinkCheck, money, num, pick, requireFields, requireRowFields, rowsOf, todayOf, type DocTypeContext, type DocTypeSpec } from './doctype';

export const STOCK_ENTRY_TYPES = ['Material Receipt', 'Material Issue', 'Material Transfer'] as const;
const NEEDS_SOURCE = new Set(['Material Issue', 'Material Transfer']);
const NEEDS_TARGET = new Set(['Material Receipt', 'Material Transfer']);

/** ERPNext's projected qty (no purchase/production documents in the sandbox: ordered/planned/indented stay 0). */
function project(bin: Doc): void {
  bin.projected_qty =
    num(bin.actual_qty) + num(bin.ordered_qty) + num(bin.indented_qty) + num(bin.planned_qty) - num(bin.reserved_qty) - num(bin.reserved_qty_for_production);
  bin.stock_value = money(num(bin.actual_qty) * num(bin.valuation_rate));
}

/** `erpnext.stock.utils.get_or_make_bin`. */
export function binOf(ctx: DocTypeContext, itemCode: string, warehouse: string): Doc {
  const existing = ctx.all('Bin').find((b) => String(b.item_code).toLowerCase() === itemCode.toLowerCase() && String(b.warehouse).toLowerCase() === warehouse.toLowerCase());
  if (existing) return ctx.get('Bin', String(existing.name))!;
  const item = ctx.get('Item', itemCode);
  const bin: Doc = {
    name: ctx.nextName('MAT-BIN-.YYYY.-'),
    item_code: item?.name ?? itemCode,
    warehouse,
    actual_qty: 0,
    ordered_qty: 0,
    indented_qty: 0,
    planned_qty: 0,
    reserved_qty: 0,
    reserved_qty_for_production: 0,
    projected_qty: 0,
    stock_uom: item?.stock_uom ?? 'Nos',
    valuation_rate: item?.valuation_rate ?? 0,
    stock_value: 0,
  };
  return ctx.insertInternal('Bin', bin);
}

export function reserve(ctx: DocTypeContext, itemCode: string, warehouse: string, qty: number): void {
  const bin = binOf(ctx, itemCode, warehouse);
  bin.reserved_qty = num(bin.reserved_qty) + qty;
  project(bin);
  bin.modified = ctx.now().toISOString();
}

export interface StockMove {
  item_code: string;
  warehouse: string;
  qty: number;
  rate: number;
}

/**
 * Applies moves atomically: every (item, warehouse) net outflow is checked against actual_qty first,
 * then Bins change and one Stock Ledger Entry per move is written.
 */
export function moveStock(ctx: DocTypeContext, voucher: { doctype: string; name: string; posting_date: string; posting_time: string }, moves: StockMove[]): void {
  const net = new Map<string, { item: string; warehouse: string; qty: number }>();
  for (const m of moves) {
    const key = `${m.item_code.toLowerCase()}\u0000${m.warehouse.toLowerCase()}`;
    const entry = net.get(key) ?? { item: m.item_code, warehouse: m.warehouse, qty: 0 };
    entry.qty += m.qty;
    net.set(key, entry);
  }
  for (const { item, warehouse, qty } of net.values()) {
    const actual = num(binOf(ctx, item, warehouse).actual_qty);
    if (actual + qty < 0) {
      fail(
        `${-(actual + qty)} units of <a href="/app/item/${item}">Item ${item}</a> needed in <a href="/app/warehouse/${warehouse}">Warehouse ${warehouse}</a> on ${voucher.posting_date} ${voucher.posting_time} for <a href="#">${voucher.doctype} ${voucher.name}</a> to complete this transaction.`,
        'NegativeStockError',
        'Insufficient Stock',
        `erpnext.stock.stock_ledger.NegativeStockError: ${-(actual + qty)} units of Item ${item} needed in Warehouse ${warehouse}`,
      );
    }
  }
  for (const m of moves) {
    const bin = binOf(ctx, m.item_code, m.warehouse);
    bin.actual_qty = num(bin.actual_qty) + m.qty;
    project(bin);
    bin.modified = ctx.now().toISOString();
    ctx.insertInternal('Stock Ledger Entry', {
      name: ctx.nextName('MAT-SLE-.YYYY.-'),
      item_code: bin.item_code,
      warehouse: bin.warehouse,
      posting_date: voucher.posting_date,
      posting_time: voucher.posting_time,
      actual_qty: m.qty,
      qty_after_transaction: bin.actual_qty,
      valuation_rate: m.rate,
      stock_value_difference: money(m.qty * m.rate),
      voucher_type: voucher.doctype,
      voucher_no: voucher.name,
      is_cancelled: 0,
    });
  }
}

export const binSpec = (): DocTypeSpec => ({ doctype: 'Bin', readOnly: true });
export const stockLedgerSpec = (): DocTypeSpec => ({ doctype: 'Stock Ledger Entry', readOnly: true });

const SE_FIELDS = ['stock_entry_type', 'company', 'posting_date', 'posting_time', 'from_warehouse', 'to_warehouse', 'remarks', 'items'] as const;
const SE_ROW_FIELDS = ['item_code', 'qty', 's_warehouse', 't_warehouse', 'basic_rate', 'uom'] as const;

function buildStockEntry(input: Doc, ctx: DocTypeContext): Doc {
  const now = ctx.now();
  const doc: Doc = { company: ctx.company.name, posting_date: todayOf(now), posting_time: now.toTimeString().slice(0, 8), remarks: null, ...pick(input, SE_FIELDS) };
  const rows = rowsOf(doc.items, 'Items').map((r) => pick(r, SE_ROW_FIELDS));
  const links = new LinkCheck(ctx).among(STOCK_ENTRY_TYPES, 'Stock Entry Type', doc.stock_entry_type).link('Company', 'Company', doc.company);
  links.link('Warehouse', 'Default Source Warehouse', doc.from_warehouse).link('Warehouse', 'Default Target Warehouse', doc.to_warehouse);
  rows.forEach((r, i) => {
    links.link('Item', 'Item Code', r.item_code, i + 1).link('Warehouse', 'Source Warehouse', r.s_warehouse, i + 1).link('Warehouse', 'Target Warehouse', r.t_warehouse, i + 1);
  });
  links.throwIfAny();
  doc.items = rows;
  requireFields('Stock Entry', doc, [['stock_entry_type', 'Stock Entry Type'], ['company', 'Company'], ['items', 'Items']]);
  const type = STOCK_ENTRY_TYPES.find((t) => t.toLowerCase() === String(doc.stock_entry_type).toLowerCase())!;
  doc.stock_entry_type = type;
  doc.purpose = type;
  doc.posting_date = dateField(doc.posting_date);
  let incoming = 0;
  let outgoing = 0;
  rows.forEach((r, i) => {
    const idx = i + 1;
    requireRowFields('Items', r, idx, [['item_code', 'Item Code'], ['qty', 'Qty']]);
    const item = ctx.get('Item', String(r.item_code))!;
    if (!num(item.is_stock_item)) fail(`Item ${String(item.name)} is not a stock Item`);
    const qty = num(r.qty);
    if (qty <= 0) fail(`Row #${idx}: Quantity for Item <strong>${String(item.name)}</strong> cannot be zero or negative.`, 'ValidationError', 'Invalid Quantity');
    // ERPNext clears the warehouse a purpose does not use, then demands the one it needs.
    r.s_warehouse = NEEDS_SOURCE.has(type) ? (r.s_warehouse ?? doc.from_warehouse ?? null) : null;
    r.t_warehouse = NEEDS_TARGET.has(type) ? (r.t_warehouse ?? doc.to_warehouse ?? null) : null;
    if (NEEDS_SOURCE.has(type) && isBlank(r.s_warehouse)) fail(`Source warehouse is mandatory for row ${idx}`);
    if (NEEDS_TARGET.has(type) && isBlank(r.t_warehouse)) fail(`Target warehouse is mandatory for row ${idx}`);
    if (r.s_warehouse && r.t_warehouse && String(r.s_warehouse).toLowerCase() === String(r.t_warehouse).toLowerCase()) {
      fail(`Source and target warehouse cannot be same for row ${idx}`);
    }
    for (const f of ['s_warehouse', 't_warehouse'] as const) if (r[f]) r[f] = ctx.get('Warehouse', String(r[f]))!.name;
    r.item_code = item.name;
    r.item_name = item.item_name;
    r.qty = qty;
    r.uom = r.uom ?? item.stock_uom;
    r.stock_uom = item.stock_uom;
    r.conversion_factor = 1;
    r.transfer_qty = qty;
    r.basic_rate = num(r.basic_rate, num(item.valuation_rate));
    r.amount = money(qty * num(r.basic_rate));
    if (r.t_warehouse) incoming += num(r.amount);
    if (r.s_warehouse) outgoing += num(r.amount);
  });
  doc.total_incoming_value = money(incoming);
  doc.total_outgoing_value = money(outgoing);
  doc.value_difference = money(incoming - outgoing);
  doc.total_amount = money(Math.max(incoming, outgoing));
  return doc;
}

function movesOf(doc: Doc, sign: 1 | -1): StockMove[] {
  return (doc.items as Doc[]).flatMap((r) => {
    const base = { item_code: String(r.item_code), qty: num(r.qty), rate: num(r.basic_rate) };
    const out: StockMove[] = [];
    if (r.s_warehouse) out.push({ ...base, warehouse: String(r.s_warehouse), qty: -base.qty * sign });
    if (r.t_warehouse) out.push({ ...base, warehouse: String(r.t_warehouse), qty: base.qty * sign });
    return out;
  });
}

export function stockEntrySpec(): DocTypeSpec {
  const voucher = (doc: Doc) => ({ doctype: 'Stock Entry', name: String(doc.name), posting_date: String(doc.posting_date), posting_time: String(doc.posting_time) });
  return {
    doctype: 'Stock Entry',
    submittable: true,
    children: { items: 'Stock Entry Detail' },
    allowOnSubmit: [],
    insert(body, ctx) {
      const doc = buildStockEntry(body, ctx);
      doc.name = ctx.nextName('MAT-STE-.YYYY.-');
      return { doc };
    },
    save: (merged, ctx) => ({ ...buildStockEntry(merged, ctx), name: merged.name }),
    onSubmit: (doc, ctx) => moveStock(ctx, voucher(doc), movesOf(doc, 1)),
    // Cancelling reverses the moves; a receipt whose stock was issued meanwhile cannot be cancelled.
    onCancel: (doc, ctx) => moveStock(ctx, voucher(doc), movesOf(doc, -1)),
  };
}
