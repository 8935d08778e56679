import type { ErpNextDoc } from '@junction/connectors/erpnext';
import { erpNextRejects, type ErpNextSession } from '../erpnext/erpnext-calls';
import { docstatusOf } from '../erpnext/erpnext-fields';

export const SALES_ORDER = 'Sales Order';

/**
 * The Sales Order carrying our natural key in `po_no` (the customer's purchase order reference, where integrations
 * put the source system's order id). Several: an order cancelled and amended keeps its po_no, so the live one
 * (draft or submitted) wins over cancelled ones; the oldest live one if someone made two by hand.
 */
export async function findSalesOrderByRef(erp: ErpNextSession, externalRef: string): Promise<ErpNextDoc | null> {
  const rows = await erp.read('sales-order.find', (client, options) =>
    client.listDocs(SALES_ORDER, { filters: [['po_no', '=', externalRef]], fields: ['name', 'docstatus', 'customer', 'grand_total', 'status'], orderBy: 'creation asc', limit: 20 }, options),
  );
  return rows.find((r) => docstatusOf(r.docstatus) !== 2) ?? rows.at(-1) ?? null;
}

/** The whole Sales Order (with its items) a command names by erpName or externalRef, or `.failed` with PROVIDER_NOT_FOUND. */
export async function salesOrderNamed(erp: ErpNextSession, ref: { erpName?: string; externalRef?: string }): Promise<ErpNextDoc> {
  let name = ref.erpName;
  if (name === undefined) {
    const found = await findSalesOrderByRef(erp, ref.externalRef!);
    if (!found) throw erpNextRejects('not_found', 'sales-order.find', `ERPNext has no Sales Order with po_no "${ref.externalRef}"`);
    name = found.name;
  }
  const orderName = name;
  return erp.read('sales-order.get', (client, options) => client.getDoc<ErpNextDoc>(SALES_ORDER, orderName, options));
}
