import type { HubSpotObject } from '@junction/connectors/crm';
import type { ErpCustomerRow } from '../providers/provider-readers';

export type FindingCode = 'MISSING_IN_CRM' | 'MISSING_IN_ERP' | 'NAME_CONFLICT' | 'DUPLICATE_EMAIL_IN_ERP';

export interface Finding {
  readonly code: FindingCode;
  /** The e-mail (lower-cased): the match key. */
  readonly key: string;
  readonly message: string;
  /** For MISSING_IN_CRM: what a lead for it would carry (the fix). */
  readonly customer?: ErpCustomerRow;
}

export interface ReconciliationSummary {
  readonly erpCustomers: number;
  readonly crmContacts: number;
  /** Customers without an e-mail: nothing to match them on (not findings). */
  readonly erpWithoutEmail: number;
  readonly crmWithoutEmail: number;
  readonly matched: number;
  readonly missingInCrm: number;
  readonly missingInErp: number;
  readonly conflicting: number;
  readonly duplicateEmailsInErp: number;
}

const email = (value: string | null | undefined) => (typeof value === 'string' && value.trim() !== '' ? value.trim().toLowerCase() : undefined);
const loose = (value: string) => value.toLowerCase().replace(/\s+/g, ' ').trim();

/** The names a CRM contact can match an ERPNext customer by: its full name and its company. */
function contactNames(contact: HubSpotObject): string[] {
  const p = contact.properties;
  const full = [p.firstname, p.lastname].filter((v): v is string => typeof v === 'string' && v.trim() !== '').join(' ');
  return [full, p.company ?? ''].filter((n) => n.trim() !== '').map(loose);
}

/**
 * ERPNext customers vs CRM contacts, matched by e-mail (case-insensitive, trimmed). Findings sorted by e-mail, then
 * code, so a restarted run numbers them the same way:
 * - MISSING_IN_CRM: a customer's e-mail no contact has; MISSING_IN_ERP: a contact's e-mail no customer has;
 * - NAME_CONFLICT: both have the e-mail, and the customer's name is neither the contact's full name nor its company
 *   (compared case- and space-insensitively; a contact with neither has nothing to conflict with);
 * - DUPLICATE_EMAIL_IN_ERP: several customers share an e-mail (the first by name is the one matched).
 */
export function reconcileCustomers(customers: readonly ErpCustomerRow[], contacts: readonly HubSpotObject[]): { findings: Finding[]; summary: ReconciliationSummary } {
  const byEmail = new Map<string, ErpCustomerRow[]>();
  let erpWithoutEmail = 0;
  for (const customer of customers) {
    const key = email(customer.email_id);
    if (!key) erpWithoutEmail++;
    else byEmail.set(key, [...(byEmail.get(key) ?? []), customer]);
  }
  const contactsByEmail = new Map<string, HubSpotObject>();
  let crmWithoutEmail = 0;
  for (const contact of contacts) {
    const key = email(contact.properties.email);
    if (!key) crmWithoutEmail++;
    else if (!contactsByEmail.has(key)) contactsByEmail.set(key, contact);
  }

  const findings: Finding[] = [];
  let matched = 0;
  for (const [key, sameEmail] of byEmail) {
    const [customer, ...others] = [...sameEmail].sort((a, b) => a.name.localeCompare(b.name));
    if (others.length > 0) {
      findings.push({ code: 'DUPLICATE_EMAIL_IN_ERP', key, message: `${sameEmail.length} ERPNext customers have this e-mail: ${sameEmail.map((c) => c.name).sort().join(', ')}` });
    }
    const contact = contactsByEmail.get(key);
    if (!contact) {
      findings.push({ code: 'MISSING_IN_CRM', key, message: `ERPNext customer "${customer!.customer_name}" (${customer!.name}) has no CRM contact with this e-mail`, customer });
      continue;
    }
    matched++;
    const names = contactNames(contact);
    if (names.length > 0 && !names.includes(loose(customer!.customer_name))) {
      findings.push({ code: 'NAME_CONFLICT', key, message: `ERPNext customer "${customer!.customer_name}" (${customer!.name}) vs CRM contact ${contact.id} "${names.join('" / "')}"` });
    }
  }
  for (const [key, contact] of contactsByEmail) {
    if (!byEmail.has(key)) findings.push({ code: 'MISSING_IN_ERP', key, message: `CRM contact ${contact.id} has no ERPNext customer with this e-mail` });
  }
  findings.sort((a, b) => a.key.localeCompare(b.key) || a.code.localeCompare(b.code));
  const count = (code: FindingCode) => findings.filter((f) => f.code === code).length;
  return {
    findings,
    summary: {
      erpCustomers: customers.length,
      crmContacts: contacts.length,
      erpWithoutEmail,
      crmWithoutEmail,
      matched,
      missingInCrm: count('MISSING_IN_CRM'),
      missingInErp: count('MISSING_IN_ERP'),
      conflicting: count('NAME_CONFLICT'),
      duplicateEmailsInErp: count('DUPLICATE_EMAIL_IN_ERP'),
    },
  };
}
