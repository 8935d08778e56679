import { Injectable } from '@nestjs/common';
import type { MessageOf, MessagePayload } from '@junction/contracts';
import type { ErpNextDoc } from '@junction/connectors/erpnext';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls } from '../../../erpnext/erpnext-calls';
import { flag, text } from '../../../erpnext/erpnext-fields';
import { customerNamed } from '../../customer.lookup';

type UpdateCustomer = MessageOf<'erp.customer.update'>;
type Changed = MessagePayload<'erp.customer.updated'>['changed'];
type Field = Changed[number];

/** Our field → the Customer's field, and how ERPNext stores the value. */
const FIELDS: Record<Field, { readonly erp: string; readonly toErp: (v: unknown) => unknown; readonly same: (erpValue: unknown, ours: unknown) => boolean }> = {
  customerType: { erp: 'customer_type', toErp: (v) => v, same: (a, b) => text(a) === b },
  customerGroup: { erp: 'customer_group', toErp: (v) => v, same: (a, b) => text(a) === b },
  territory: { erp: 'territory', toErp: (v) => v, same: (a, b) => text(a) === b },
  // Frappe's e-mail fields compare case-insensitively in practice (a *_ci collation).
  email: { erp: 'email_id', toErp: (v) => v, same: (a, b) => text(a)?.toLowerCase() === String(b).toLowerCase() },
  taxId: { erp: 'tax_id', toErp: (v) => v, same: (a, b) => text(a) === b },
  disabled: { erp: 'disabled', toErp: (v) => (v ? 1 : 0), same: (a, b) => flag(a) === b },
};

/**
 * erp.customer.update → erp.customer.updated. Setting a value is naturally idempotent; the handler reads the Customer
 * first and sends only the fields that differ, so a repeated command (or one ERPNext already reflects) writes nothing
 * and reports `changed: []`. Unknown customer → PROVIDER_NOT_FOUND; a group/territory ERPNext does not know →
 * PROVIDER_VALIDATION (its own message), both as `.failed`.
 */
@Injectable()
export class UpdateCustomerHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: UpdateCustomer): Promise<void> {
    const { customerName, changes } = command.payload;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'customer.update',
      naturalKey: customerName,
      effect: async (context) => {
        const erp = await this.erpnext.open(command, context);
        const ref = await customerNamed(erp, customerName);
        const current = await erp.read('customer.get', (client, options) => client.getDoc<ErpNextDoc>('Customer', ref.name, options));
        const changed: Changed = [];
        const patch: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(changes) as [Field, unknown][]) {
          if (value === undefined) continue;
          const spec = FIELDS[field];
          if (spec.same(current[spec.erp], value)) continue;
          changed.push(field);
          patch[spec.erp] = spec.toErp(value);
        }
        if (changed.length > 0) {
          // A PUT of the same values is harmless: retried within the call like a read.
          await erp.read('customer.update', (client, options) => client.updateDoc('Customer', ref.name, patch, options));
        }
        return { erpName: ref.name, changed };
      },
      succeeded: (r) => ({ commandId: command.id, customerName, erpName: r.erpName, changed: r.changed }),
      ledger: (r) => ({ outcome: r.changed.length > 0 ? 'updated' : 'existed', externalRef: r.erpName }),
    });
  }
}
