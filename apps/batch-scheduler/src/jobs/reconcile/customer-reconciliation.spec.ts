import type { HubSpotObject } from '@junction/connectors/crm';
import type { ErpCustomerRow } from '../providers/provider-readers';
import { reconcileCustomers } from './customer-reconciliation';

const customer = (name: string, email: string | null, type = 'Company'): ErpCustomerRow => ({ name, customer_name: name, customer_type: type, email_id: email });
const contact = (id: string, properties: Record<string, string | null>): HubSpotObject => ({ id, properties, createdAt: '', updatedAt: '', archived: false });

describe('reconcileCustomers', () => {
  it('matches by e-mail case-insensitively and reports what is missing or conflicting, sorted by e-mail', () => {
    const { findings, summary } = reconcileCustomers(
      [
        customer('Acme Ltd', 'Ops@Acme.test'),
        customer('Ada Lovelace', 'ada@x.test', 'Individual'),
        customer('Only In ERP', 'erp-only@x.test'),
        customer('Renamed Corp', 'renamed@x.test'),
        customer('No Mail', null),
      ],
      [
        contact('1', { email: 'ops@acme.test', company: 'ACME  ltd' }),
        contact('2', { email: 'ADA@x.test', firstname: 'Ada', lastname: 'Lovelace' }),
        contact('3', { email: 'crm-only@x.test' }),
        contact('4', { email: 'renamed@x.test', firstname: 'Someone', lastname: 'Else', company: 'Other Corp' }),
        contact('5', { email: null }),
      ],
    );
    expect(findings.map((f) => [f.code, f.key])).toEqual([
      ['MISSING_IN_ERP', 'crm-only@x.test'],
      ['MISSING_IN_CRM', 'erp-only@x.test'],
      ['NAME_CONFLICT', 'renamed@x.test'],
    ]);
    expect(findings[2]!.message).toContain('"Renamed Corp"');
    expect(summary).toEqual({
      erpCustomers: 5,
      crmContacts: 5,
      erpWithoutEmail: 1,
      crmWithoutEmail: 1,
      matched: 3,
      missingInCrm: 1,
      missingInErp: 1,
      conflicting: 1,
      duplicateEmailsInErp: 0,
    });
  });

  it('reports customers sharing an e-mail, and a contact without any name has nothing to conflict with', () => {
    const { findings } = reconcileCustomers([customer('B Co', 'same@x.test'), customer('A Co', 'same@x.test')], [contact('1', { email: 'same@x.test' })]);
    expect(findings.map((f) => f.code)).toEqual(['DUPLICATE_EMAIL_IN_ERP']);
    expect(findings[0]!.message).toContain('A Co, B Co');
  });
});
