import { Injectable } from '@nestjs/common';
import type { MessageOf, MessagePayload } from '@junction/contracts';
import type { ErpNextDoc } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls, erpNextRejects, type ErpNextSession } from '../../../erpnext/erpnext-calls';
import { flag, text, textMax } from '../../../erpnext/erpnext-fields';
import { listAllDocs } from '../../../erpnext/erpnext-pages';
import { BIN_FIELDS, itemNamed, quantitiesOf } from '../../inventory.lookup';

type CheckInventory = MessageOf<'erp.inventory.check'>;
type Checked = MessagePayload<'erp.inventory.checked'>;

/** Warehouses carried in the event; totals still cover every one. */
const MAX_WAREHOUSES = 200;
const BIN_PAGE = 200;

/**
 * erp.inventory.check → erp.inventory.checked: the Item and its Bin (stock per warehouse) everywhere, or in the
 * warehouses named. Every Bin page is read (listAllDocs), so totals are right however many warehouses there are.
 * Unknown item → `.failed` (PROVIDER_NOT_FOUND); a named warehouse ERPNext does not know → `.failed`
 * (PROVIDER_VALIDATION); a named warehouse without a Bin is reported with zero stock.
 */
@Injectable()
export class CheckInventoryHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: CheckInventory): Promise<void> {
    const { itemCode, warehouses } = command.payload;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'inventory.check',
      naturalKey: itemCode,
      effect: async (context) => {
        const erp = await this.erpnext.open(command, context);
        const item = await itemNamed(erp, itemCode);
        if (warehouses) await assertWarehouses(erp, warehouses);
        const filters: [string, '=' | 'in', unknown][] = [['item_code', '=', item.name]];
        if (warehouses) filters.push(['warehouse', 'in', warehouses]);
        const bins = await erp.read('bin.list', (client, options) =>
          listAllDocs<ErpNextDoc>(client, 'Bin', { filters, fields: BIN_FIELDS, orderBy: 'warehouse asc' }, options, BIN_PAGE),
        );
        return { item, bins };
      },
      succeeded: ({ item, bins }) => toChecked(command.id, item, bins, warehouses),
      ledger: ({ item }) => ({ outcome: 'read', externalRef: item.name }),
    });
  }
}

async function assertWarehouses(erp: ErpNextSession, names: readonly string[]): Promise<void> {
  const known = await erp.read('warehouse.list', (client, options) =>
    client.listDocs<ErpNextDoc>('Warehouse', { filters: [['name', 'in', names]], fields: ['name'], limit: 0 }, options),
  );
  const have = new Set(known.map((w) => w.name.toLowerCase()));
  const unknown = names.filter((n) => !have.has(n.toLowerCase()));
  if (unknown.length > 0) throw erpNextRejects('validation', 'warehouse.list', `ERPNext has no Warehouse ${unknown.map((n) => `"${n}"`).join(', ')}`);
}

export function toChecked(commandId: string, item: ErpNextDoc, bins: ErpNextDoc[], requested?: readonly string[]): Checked {
  const rows = bins.map((bin) => ({ warehouse: (text(bin.warehouse) ?? '').slice(0, 140), ...quantitiesOf(bin) }));
  // A warehouse asked about that has never held the item has no Bin: zero stock, still answered.
  for (const name of requested ?? []) {
    if (!rows.some((r) => r.warehouse.toLowerCase() === name.toLowerCase())) rows.push({ warehouse: name, ...quantitiesOf(undefined) });
  }
  return {
    commandId,
    itemCode: item.name,
    itemName: textMax(item.item_name),
    stockUom: textMax(item.stock_uom),
    isStockItem: flag(item.is_stock_item),
    disabled: flag(item.disabled),
    totalActualQty: rows.reduce((s, r) => s + r.actualQty, 0),
    totalProjectedQty: rows.reduce((s, r) => s + r.projectedQty, 0),
    warehouses: rows.slice(0, MAX_WAREHOUSES),
    truncated: Math.max(0, rows.length - MAX_WAREHOUSES),
  };
}
