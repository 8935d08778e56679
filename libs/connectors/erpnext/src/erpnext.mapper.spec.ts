import { toErpNextCustomer } from './erpnext.mapper';

describe('toErpNextCustomer', () => {
  it('maps the command payload to Frappe fields with root group and territory defaults', () => {
    expect(toErpNextCustomer({ customerName: 'Acme', customerType: 'Company' })).toEqual({
      customer_name: 'Acme',
      customer_type: 'Company',
      customer_group: 'All Customer Groups',
      territory: 'All Territories',
    });
  });

  it('carries optional fields under their Frappe names', () => {
    expect(
      toErpNextCustomer({ customerName: 'Jo', customerType: 'Individual', customerGroup: 'Individual', territory: 'Germany', email: 'jo@example.com', taxId: 'DE123' }),
    ).toEqual({ customer_name: 'Jo', customer_type: 'Individual', customer_group: 'Individual', territory: 'Germany', email_id: 'jo@example.com', tax_id: 'DE123' });
  });
});
