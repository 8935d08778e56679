import type { ErpNextCustomerRef } from '@junction/connectors/erpnext';
import { erpNextRejects, type ErpNextSession } from '../erpnext/erpnext-calls';

/** The Customer with this customer_name (the natural key), or `.failed` with PROVIDER_NOT_FOUND. */
export async function customerNamed(erp: ErpNextSession, customerName: string): Promise<ErpNextCustomerRef> {
  const found = await erp.read('customer.find', (client, options) => client.findCustomerByName(customerName, options));
  if (!found) throw erpNextRejects('not_found', 'customer.find', `ERPNext has no Customer named "${customerName}"`);
  return found;
}
