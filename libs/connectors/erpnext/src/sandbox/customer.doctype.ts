/**
 * What a Frappe site does on `insert` of a Customer, in the order Frappe does it (Document.insert):
 * defaults → link validation → naming → mandatory → selects → primary-key insert.
 */
import { FrappeErrors, type FrappeMessage } from './frappe-responses';
import { QueryError, type Doc } from './frappe-query';

/** Stored fields. Anything else in a POST body is ignored, as Frappe ignores non-fields on insert. */
export const CUSTOMER_FIELDS = [
  'customer_name',
  'customer_type',
  'customer_group',
  'territory',
  'email_id',
  'mobile_no',
  'tax_id',
  'website',
  'disabled',
  'is_internal_customer',
  'lead_name',
  'default_currency',
] as const;

/** ERPNext ≥ v15 added Partnership. */
export const CUSTOMER_TYPES = ['Company', 'Individual', 'Partnership'];

/**
 * Selling Settings › "Customer Naming By" = Customer Name (ERPNext's default) does NOT reject a duplicate
 * customer_name: `Customer.get_customer_name` renames the new one to "<name> - 1" and msgprints a note.
 * Only a primary-key race (two inserts passing that check at once) or a data import yields 409
 * DuplicateEntryError. `reject` models that 409 path deterministically.
 */
export type DuplicateNaming = 'suffix' | 'reject';

export interface CustomerRules {
  customerGroups: string[];
  territories: string[];
  duplicateNaming: DuplicateNaming;
}

export interface NewCustomer {
  doc: Doc;
  /** msgprints of a successful insert (Frappe returns them in `_server_messages` alongside `data`). */
  messages: FrappeMessage[];
}

const same = (a: string, b: string) => a.toLowerCase().trimEnd() === b.toLowerCase().trimEnd();
const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

export function buildCustomer(
  body: Record<string, unknown>,
  rules: CustomerRules,
  exists: (name: string) => string | undefined,
  existingNames: () => string[],
): NewCustomer {
  const doc: Doc = { customer_type: 'Company', disabled: 0, is_internal_customer: 0 };
  for (const f of CUSTOMER_FIELDS) if (body[f] !== undefined) doc[f] = body[f];

  const bad: string[] = [];
  if (!isBlank(doc.customer_group) && !rules.customerGroups.some((g) => same(g, String(doc.customer_group)))) {
    bad.push(`Customer Group: ${String(doc.customer_group)}`);
  }
  if (!isBlank(doc.territory) && !rules.territories.some((t) => same(t, String(doc.territory)))) {
    bad.push(`Territory: ${String(doc.territory)}`);
  }
  if (bad.length > 0) {
    throw new QueryError(FrappeErrors.validation(`Could not find ${bad.join(', ')}`, 'LinkValidationError', 'Links Validation'));
  }

  if (isBlank(doc.customer_name)) {
    const error = FrappeErrors.validation('Error: Value missing for Customer: Customer Name', 'MandatoryError');
    error.body.exception = 'frappe.exceptions.MandatoryError: [Customer, new-customer-1]: customer_name';
    throw new QueryError(error);
  }
  if (typeof doc.customer_name !== 'string') {
    throw new QueryError(FrappeErrors.validation('Customer Name must be a string'));
  }
  if (!CUSTOMER_TYPES.includes(String(doc.customer_type))) {
    throw new QueryError(
      FrappeErrors.validation(
        `Customer Type cannot be "${String(doc.customer_type)}". It should be one of "${CUSTOMER_TYPES.join('", "')}"`,
        'ValidationError',
        'Invalid Value',
      ),
    );
  }

  const customerName = doc.customer_name;
  const messages: FrappeMessage[] = [];
  let name = customerName;
  const taken = exists(customerName);
  if (taken !== undefined) {
    if (rules.duplicateNaming === 'reject') throw new QueryError(FrappeErrors.duplicate('Customer', taken));
    const prefix = `${customerName} - `.toLowerCase();
    const max = existingNames()
      .filter((n) => n.toLowerCase().startsWith(prefix))
      .map((n) => Number.parseInt(n.slice(prefix.length), 10))
      .filter((n) => !Number.isNaN(n))
      .reduce((a, b) => Math.max(a, b), 0);
    name = `${customerName} - ${max + 1}`;
    messages.push({
      message: `Changed customer name to '${name}' as '${customerName}' already exists.`,
      title: 'Note',
      indicator: 'yellow',
    });
  }
  doc.name = name;
  return { doc, messages };
}
