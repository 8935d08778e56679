import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { toErpNextCustomer } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ResiliencePipelines, type CallContext } from '@junction/resilience';
import { ErpNextConnections } from '../../../erpnext/erpnext-connections';

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
    private readonly erpnext: ErpNextConnections,
    private readonly calls: ResiliencePipelines,
  ) {}

  async execute(command: CreateCommand): Promise<void> {
    const { customerName } = command.payload;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'customer.create',
      naturalKey: customerName,
      effect: async ({ signal }) => {
        // Resolved inside the effect (after the claim): a duplicate delivery never touches the database for it.
        const target = await this.erpnext.forCommand(command);
        const call = (operation: string, idempotent = true): CallContext => ({
          provider: 'erpnext',
          // Per connection: its own breaker and its own shared rate-limit buckets (provider + connection id).
          connection: target.connection,
          operation,
          idempotent,
          deadline: command.deadline ? Date.parse(command.deadline) : undefined,
          correlationId: command.correlationId,
          messageId: command.id,
          signal,
        });
        // The create is not repeated within the call if it may have taken effect: the redelivered command's look-up
        // finds what it created.
        const existing = await this.calls.run(call('customer.find'), (a) => target.client.findCustomerByName(customerName, a.requestOptions));
        const customer =
          existing ??
          (await this.calls.run(call('customer.create', false), (a) => target.client.createCustomer(toErpNextCustomer(command.payload), a.requestOptions)));
        return { erpName: customer.name, existed: existing !== null };
      },
      ledger: ({ erpName, existed }) => ({ outcome: existed ? 'existed' : 'created', externalRef: erpName }),
      succeeded: ({ erpName, existed }) => ({ commandId: command.id, customerName, erpName, alreadyExisted: existed }),
    });
  }
}
