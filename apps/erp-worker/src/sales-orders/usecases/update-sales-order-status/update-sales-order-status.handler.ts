import { Injectable } from '@nestjs/common';
import type { MessageOf, MessagePayload } from '@junction/contracts';
import type { ErpNextDoc } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls, erpNextRejects, type ErpNextSession } from '../../../erpnext/erpnext-calls';
import { docstatusOf, textMax } from '../../../erpnext/erpnext-fields';
import { SALES_ORDER, salesOrderNamed } from '../../sales-order.lookup';

type UpdateStatus = MessageOf<'erp.sales-order.update-status'>;
type Action = MessagePayload<'erp.sales-order.update-status'>['action'];

interface Moved {
  readonly order: ErpNextDoc;
  readonly alreadyInState: boolean;
}

/**
 * erp.sales-order.update-status → erp.sales-order.status-updated. The order is read first and the action taken only
 * when it is not already done (submit on docstatus 1, cancel on 2, close on status Closed = done): a repeated command,
 * or an attempt after a lost response, never submits or cancels twice. A transition ERPNext does not allow answers
 * `.failed` (PROVIDER_VALIDATION) without calling it: cancelling a draft, submitting a cancelled order, closing one
 * that is not submitted. Anything else ERPNext refuses (a closed order cannot be cancelled) comes back as its own
 * validation error.
 */
@Injectable()
export class UpdateSalesOrderStatusHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: UpdateStatus): Promise<void> {
    const { payload } = command;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: `sales-order.${payload.action}`,
      naturalKey: payload.externalRef ?? payload.erpName!,
      effect: async (context) => {
        const erp = await this.erpnext.open(command, context);
        const order = await salesOrderNamed(erp, payload);
        if (reached(order, payload.action)) return { order, alreadyInState: true };
        assertAllowed(order, payload.action);
        await this.apply(erp, order.name, payload.action);
        // Read back: the event reports ERPNext's own status ("To Deliver and Bill", "Closed" …).
        const after = await erp.read('sales-order.get', (client, options) => client.getDoc<ErpNextDoc>(SALES_ORDER, order.name, options));
        return { order: after, alreadyInState: false };
      },
      succeeded: (r: Moved) => ({
        commandId: command.id,
        erpName: r.order.name,
        action: payload.action,
        docstatus: docstatusOf(r.order.docstatus),
        status: textMax(r.order.status),
        alreadyInState: r.alreadyInState,
      }),
      ledger: (r) => ({ outcome: r.alreadyInState ? 'existed' : 'updated', externalRef: r.order.name }),
    });
  }

  private async apply(erp: ErpNextSession, name: string, action: Action): Promise<void> {
    switch (action) {
      case 'submit':
        // Submitting twice is refused by ERPNext, not repeated: a lost response is found submitted by the next attempt.
        await erp.write('sales-order.submit', (client, options) => client.submitDoc(SALES_ORDER, name, options));
        return;
      case 'cancel':
        await erp.write('sales-order.cancel', (client, options) => client.cancelDoc(SALES_ORDER, name, options));
        return;
      case 'close':
        // Setting a status is idempotent: retried within the call.
        await erp.read('sales-order.close', (client, options) => client.updateSalesOrderStatus(name, 'Closed', options));
        return;
    }
  }
}

function reached(order: ErpNextDoc, action: Action): boolean {
  const docstatus = docstatusOf(order.docstatus);
  switch (action) {
    case 'submit':
      return docstatus === 1;
    case 'cancel':
      return docstatus === 2;
    case 'close':
      return docstatus === 1 && order.status === 'Closed';
  }
}

function assertAllowed(order: ErpNextDoc, action: Action): void {
  const docstatus = docstatusOf(order.docstatus);
  const refuse = (why: string) => {
    throw erpNextRejects('validation', `sales-order.${action}`, `cannot ${action} Sales Order ${order.name}: ${why}`);
  };
  if (action === 'submit' && docstatus === 2) refuse('it is cancelled (amend it in ERPNext instead)');
  if (action === 'cancel' && docstatus === 0) refuse('it is a draft, not submitted (delete it in ERPNext instead)');
  if (action === 'close' && docstatus !== 1) refuse(docstatus === 0 ? 'it is a draft; submit it first' : 'it is cancelled');
}
