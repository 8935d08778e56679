import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import type { ErpNextDoc } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls } from '../../../erpnext/erpnext-calls';
import { numberOrNull } from '../../../erpnext/erpnext-fields';
import { BIN_FIELDS, itemNamed, quantitiesOf } from '../../inventory.lookup';

type GetStockBalance = MessageOf<'erp.stock-balance.get'>;

/**
 * erp.stock-balance.get → erp.stock-balance.retrieved: the item's Bin in the warehouse (one call). No Bin means no
 * stock transaction yet: zero, once the item and the warehouse are confirmed to exist (unknown → `.failed`,
 * PROVIDER_NOT_FOUND).
 */
@Injectable()
export class GetStockBalanceHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: GetStockBalance): Promise<void> {
    const { itemCode, warehouse } = command.payload;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'stock-balance.get',
      naturalKey: `${itemCode}@${warehouse}`,
      effect: async (context) => {
        const erp = await this.erpnext.open(command, context);
        const [bin] = await erp.read('bin.list', (client, options) =>
          client.listDocs<ErpNextDoc>('Bin', { filters: [['item_code', '=', itemCode], ['warehouse', '=', warehouse]], fields: BIN_FIELDS, limit: 1 }, options),
        );
        if (bin) return { bin };
        await itemNamed(erp, itemCode);
        await erp.read('warehouse.get', (client, options) => client.getDoc('Warehouse', warehouse, options));
        return { bin: undefined };
      },
      succeeded: ({ bin }) => ({
        commandId: command.id,
        itemCode: bin ? String(bin.item_code) : itemCode,
        warehouse: bin ? String(bin.warehouse) : warehouse,
        ...quantitiesOf(bin),
        valuationRate: bin ? numberOrNull(bin.valuation_rate) : null,
        stockValue: bin ? numberOrNull(bin.stock_value) : 0,
        hasBin: bin !== undefined,
      }),
      ledger: ({ bin }) => ({ outcome: 'read', externalRef: bin?.name ?? null }),
    });
  }
}
