import type { MessagePayload } from '@junction/contracts';
import type { ErpNextCustomerInput } from './erpnext.types';

export type CustomerCreatePayload = MessagePayload<'erp.customer.create'>;

/** Root groups exist on every ERPNext site, so they are safe defaults for Link fields. */
export const DEFAULT_CUSTOMER_GROUP = 'All Customer Groups';
export const DEFAULT_TERRITORY = 'All Territories';

export function toErpNextCustomer(payload: CustomerCreatePayload): ErpNextCustomerInput {
  const input: ErpNextCustomerInput = {
    customer_name: payload.customerName,
    customer_type: payload.customerType,
    customer_group: payload.customerGroup ?? DEFAULT_CUSTOMER_GROUP,
    territory: payload.territory ?? DEFAULT_TERRITORY,
  };
  if (payload.email !== undefined) input.email_id = payload.email;
  if (payload.taxId !== undefined) input.tax_id = payload.taxId;
  return input;
}
