import { Injectable } from '@nestjs/common';
import type { MessageOf, MessagePayload } from '@junction/contracts';
import { toErpNextCustomer, type ErpNextDoc } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls, type ErpNextSession } from '../../../erpnext/erpnext-calls';
import { docstatusOf, numberOrNull, text } from '../../../erpnext/erpnext-fields';
import { findSalesOrderByRef, SALES_ORDER } from '../../sales-order.lookup';

type CreateSalesOrder = MessageOf<'erp.sales-order.create'>;
type Payload = MessagePayload<'erp.sales-order.create'>;

interface Created {
  readonly order: ErpNextDoc;
  readonly customer: string;
  readonly customerCreated: boolean;
  readonly existed: boolean;
}

/**
 * erp.sales-order.create → a draft Sales Order in ERPNext, once, and its Customer when ERPNext does not know it.
 * - The natural key is `externalRef`, stored in the order's po_no: every attempt looks it up first, so a redelivery,
 *   a take-over of a lapsed claim, or the same order sent again under a new command id (a webhook replayed) finds
 *   the order instead of creating a second one.
 * - The customer is looked up by customer_name and created only when absent (as erp.customer.create does).
 * - Items must exist in ERPNext: an unknown item code is ERPNext's validation error → `.failed` (PROVIDER_VALIDATION)
 *   naming it. The customer created before such a rejection stays (it is correct data, and the next order finds it).
 */
@Injectable()
export class CreateSalesOrderHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: CreateSalesOrder): Promise<void> {
    const { payload } = command;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'sales-order.create',
      naturalKey: payload.externalRef,
      effect: async (context) => {
        const erp = await this.erpnext.open(command, context);
        const existing = await findSalesOrderByRef(erp, payload.externalRef);
        if (existing) return { order: existing, customer: String(existing.customer ?? ''), customerCreated: false, existed: true };
        const { customer, created } = await this.customerFor(erp, payload);
        const order = await erp.write('sales-order.create', (client, options) => client.insertDoc<ErpNextDoc>(SALES_ORDER, toSalesOrder(payload, customer), options));
        return { order, customer, customerCreated: created, existed: false };
      },
      succeeded: (r: Created) => ({
        commandId: command.id,
        externalRef: payload.externalRef,
        erpName: r.order.name,
        customer: (text(r.order.customer) ?? r.customer).slice(0, 140),
        customerCreated: r.customerCreated,
        alreadyExisted: r.existed,
        docstatus: docstatusOf(r.order.docstatus),
        grandTotal: numberOrNull(r.order.grand_total),
      }),
      ledger: (r) => ({ outcome: r.existed ? 'existed' : 'created', externalRef: r.order.name }),
    });
  }

  private async customerFor(erp: ErpNextSession, payload: Payload): Promise<{ customer: string; created: boolean }> {
    const found = await erp.read('customer.find', (client, options) => client.findCustomerByName(payload.customerName, options));
    if (found) return { customer: found.name, created: false };
    const input = toErpNextCustomer({ customerName: payload.customerName, customerType: 'Company', email: payload.email });
    const created = await erp.write('customer.create', (client, options) => client.createCustomer(input, options));
    return { customer: created.name, created: true };
  }
}

/** The Sales Order insert: our natural key in po_no; rates as the source sold them (not the Item's price list). */
export function toSalesOrder(payload: Payload, customer: string): Record<string, unknown> {
  return {
    customer,
    po_no: payload.externalRef,
    transaction_date: payload.transactionDate,
    delivery_date: payload.deliveryDate,
    currency: payload.currency,
    items: payload.items.map((item) => ({
      item_code: item.itemCode,
      qty: item.qty,
      rate: item.rate,
      delivery_date: payload.deliveryDate,
      ...(item.itemName === undefined ? {} : { item_name: item.itemName }),
    })),
  };
}
