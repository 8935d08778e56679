import { Injectable } from '@nestjs/common';
import type { MessageOf, MessagePayload } from '@junction/contracts';
import type { ErpNextDoc } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls } from '../../../erpnext/erpnext-calls';
import { docstatusOf, numberOr0, numberOrNull, text, textMax } from '../../../erpnext/erpnext-fields';
import { salesOrderNamed } from '../../sales-order.lookup';

type GetSalesOrder = MessageOf<'erp.sales-order.get'>;
type Retrieved = MessagePayload<'erp.sales-order.retrieved'>;

/** Lines carried in the event; the rest are counted in itemsTruncated. */
const MAX_ITEMS = 500;

/** erp.sales-order.get → erp.sales-order.retrieved (a read). Unknown order → `.failed` (PROVIDER_NOT_FOUND). */
@Injectable()
export class GetSalesOrderHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: GetSalesOrder): Promise<void> {
    const { payload } = command;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'sales-order.get',
      naturalKey: payload.externalRef ?? payload.erpName!,
      effect: async (context) => salesOrderNamed(await this.erpnext.open(command, context), payload),
      succeeded: (order) => toRetrieved(command.id, order),
      ledger: (order) => ({ outcome: 'read', externalRef: order.name }),
    });
  }
}

export function toRetrieved(commandId: string, order: ErpNextDoc): Retrieved {
  const items = Array.isArray(order.items) ? (order.items as Record<string, unknown>[]) : [];
  return {
    commandId,
    erpName: order.name,
    externalRef: textMax(order.po_no),
    customer: textMax(order.customer),
    status: textMax(order.status),
    docstatus: docstatusOf(order.docstatus),
    transactionDate: textMax(order.transaction_date, 40),
    deliveryDate: textMax(order.delivery_date, 40),
    currency: textMax(order.currency, 10),
    grandTotal: numberOrNull(order.grand_total),
    perDelivered: numberOrNull(order.per_delivered),
    perBilled: numberOrNull(order.per_billed),
    items: items.slice(0, MAX_ITEMS).map((row) => ({
      itemCode: (text(row.item_code) ?? '').slice(0, 140),
      itemName: textMax(row.item_name),
      qty: numberOr0(row.qty),
      rate: numberOrNull(row.rate),
      amount: numberOrNull(row.amount),
      deliveredQty: numberOrNull(row.delivered_qty),
      warehouse: textMax(row.warehouse),
    })),
    itemsTruncated: Math.max(0, items.length - MAX_ITEMS),
  };
}
