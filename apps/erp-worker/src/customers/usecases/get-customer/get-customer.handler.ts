import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import type { ErpNextDoc } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls } from '../../../erpnext/erpnext-calls';
import { flag, textMax } from '../../../erpnext/erpnext-fields';
import { customerNamed } from '../../customer.lookup';

type GetCustomer = MessageOf<'erp.customer.get'>;

/** erp.customer.get → erp.customer.retrieved (a read: repeating it is harmless). Unknown → `.failed` (PROVIDER_NOT_FOUND). */
@Injectable()
export class GetCustomerHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: GetCustomer): Promise<void> {
    const { customerName } = command.payload;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'customer.get',
      naturalKey: customerName,
      effect: async (context) => {
        const erp = await this.erpnext.open(command, context);
        const ref = await customerNamed(erp, customerName);
        return erp.read('customer.get', (client, options) => client.getDoc<ErpNextDoc>('Customer', ref.name, options));
      },
      succeeded: (doc) => ({
        commandId: command.id,
        customerName,
        erpName: doc.name,
        customerType: textMax(doc.customer_type),
        customerGroup: textMax(doc.customer_group),
        territory: textMax(doc.territory),
        email: textMax(doc.email_id, 320),
        taxId: textMax(doc.tax_id),
        disabled: flag(doc.disabled),
      }),
      ledger: (doc) => ({ outcome: 'read', externalRef: doc.name }),
    });
  }
}
