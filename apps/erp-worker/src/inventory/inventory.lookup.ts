import type { ErpNextDoc } from '@junction/connectors/erpnext';
import type { ErpNextSession } from '../erpnext/erpnext-calls';
import { numberOr0 } from '../erpnext/erpnext-fields';

export const BIN_FIELDS = ['name', 'item_code', 'warehouse', 'actual_qty', 'projected_qty', 'reserved_qty', 'ordered_qty', 'valuation_rate', 'stock_value'];

export interface BinQuantities {
  actualQty: number;
  projectedQty: number;
  reservedQty: number;
  orderedQty: number;
}

export function quantitiesOf(bin: ErpNextDoc | undefined): BinQuantities {
  return {
    actualQty: numberOr0(bin?.actual_qty),
    projectedQty: numberOr0(bin?.projected_qty),
    reservedQty: numberOr0(bin?.reserved_qty),
    orderedQty: numberOr0(bin?.ordered_qty),
  };
}

/** The Item (404 → `.failed` with PROVIDER_NOT_FOUND, ERPNext's own message). */
export function itemNamed(erp: ErpNextSession, itemCode: string): Promise<ErpNextDoc> {
  return erp.read('item.get', (client, options) => client.getDoc<ErpNextDoc>('Item', itemCode, options));
}
