import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { toErpNextCustomer } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls } from '../../../erpnext/erpnext-calls';

type CreateCommand = MessageOf<'erp.customer.create'>;

/**
 * erp.customer.create → a Customer in ERPNext, once (CommandStep: claim → call → commit, no transaction open while
 * ERPNext is called).
 * - Redelivered command: processed already; nothing is called, nothing published. A concurrent duplicate finds the
 *   claim and is redelivered once its lease has run out (by then the first has committed).
 * - Crash after ERPNext created the Customer but before our commit (or a take-over of a lapsed lease): the next
 *   attempt looks the Customer up by its natural key (customer_name) first and reports it as existing instead of
 *   creating a second one.
 * - Data ERPNext rejects (validation, conflict): answered with erp.customer.create.failed; retrying would fail the
 *   same way. Credentials ERPNext rejects: dead-lettered (and answered) for an operator to fix and redrive. Outages:
 *   retried with backoff.
 */
@Injectable()
export class CreateCustomerHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: CreateCommand): Promise<void> {
    const { customerName } = command.payload;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'customer.create',
      naturalKey: customerName,
      effect: async (context) => {
        const erp = await this.erpnext.open(command, context);
        // The create is not repeated within the call if it may have taken effect: the redelivered command's look-up
        // finds what it created.
        const existing = await erp.read('customer.find', (client, options) => client.findCustomerByName(customerName, options));
        const customer = existing ?? (await erp.write('customer.create', (client, options) => client.createCustomer(toErpNextCustomer(command.payload), options)));
        return { erpName: customer.name, existed: existing !== null };
      },
      ledger: ({ erpName, existed }) => ({ outcome: existed ? 'existed' : 'created', externalRef: erpName }),
      succeeded: ({ erpName, existed }) => ({ commandId: command.id, customerName, erpName, alreadyExisted: existed }),
    });
  }
}
