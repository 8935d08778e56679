import { BatchJobError } from '../shared/batch-job.error';

/** What a CSV import creates, and the command each row becomes. Stored in run params: renaming one needs a migration. */
export const IMPORT_TARGETS = {
  'erp.customer': { command: 'erp.customer.create', provider: 'erpnext', keyField: 'customerName' },
  'crm.lead': { command: 'crm.lead.create', provider: 'crm', keyField: 'email' },
} as const;
export type ImportTarget = keyof typeof IMPORT_TARGETS;

interface Column {
  /** The payload field of the command. */
  readonly field: string;
  /** The column's name as documented (snake_case), then the other spellings accepted. */
  readonly names: readonly [string, ...string[]];
  readonly required?: boolean;
}

/** The columns of each target: the command's payload fields, snake_case as ERPNext and HubSpot exports name them. */
export const IMPORT_COLUMNS: Readonly<Record<ImportTarget, readonly Column[]>> = {
  'erp.customer': [
    { field: 'customerName', names: ['customer_name'], required: true },
    { field: 'customerType', names: ['customer_type'] },
    { field: 'customerGroup', names: ['customer_group'] },
    { field: 'territory', names: ['territory'] },
    { field: 'email', names: ['email', 'email_id'] },
    { field: 'taxId', names: ['tax_id'] },
  ],
  'crm.lead': [
    { field: 'email', names: ['email'], required: true },
    { field: 'firstName', names: ['first_name', 'firstname'] },
    { field: 'lastName', names: ['last_name', 'lastname'] },
    { field: 'company', names: ['company'] },
    { field: 'phone', names: ['phone'] },
    { field: 'jobTitle', names: ['job_title', 'jobtitle'] },
    { field: 'website', names: ['website'] },
    { field: 'leadStatus', names: ['lead_status', 'hs_lead_status'] },
  ],
};

/** A header cell compared loosely: `Customer Name`, `customer_name` and `customerName` are one column. */
const loose = (name: string) => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** The file's columns resolved: position → payload field, and back to the header as written (for row messages). */
export interface ColumnMap {
  readonly fields: readonly string[];
  /** Payload field → the header cell as the file wrote it. */
  readonly headerOf: Readonly<Record<string, string>>;
}

/**
 * Reads the header row. Fails the run (it would reject every row, or silently drop a column) on: no header, a column
 * the target does not take (a typo such as `emial` would otherwise import leads without e-mail), a column given twice,
 * a required column missing.
 */
export function mapHeader(target: ImportTarget, header: readonly string[] | undefined): ColumnMap {
  const columns = IMPORT_COLUMNS[target];
  const documented = columns.map((c) => c.names[0]).join(', ');
  if (!header || header.every((cell) => cell.trim() === '')) throw new BatchJobError('CSV_EMPTY', `the file has no header row (${target} takes: ${documented})`);
  const fields: string[] = [];
  const headerOf: Record<string, string> = {};
  const unknown: string[] = [];
  for (const cell of header) {
    const column = columns.find((c) => c.names.some((n) => loose(n) === loose(cell)));
    if (!column) {
      unknown.push(cell);
      continue;
    }
    if (headerOf[column.field] !== undefined) throw new BatchJobError('CSV_DUPLICATE_COLUMN', `the columns "${headerOf[column.field]}" and "${cell}" are the same field (${column.names[0]})`);
    headerOf[column.field] = cell;
    fields.push(column.field);
  }
  if (unknown.length > 0) {
    throw new BatchJobError('CSV_UNKNOWN_COLUMN', `unknown column${unknown.length > 1 ? 's' : ''} ${unknown.map((c) => `"${c}"`).join(', ')}: ${target} takes ${documented}`);
  }
  const missing = columns.filter((c) => c.required && headerOf[c.field] === undefined).map((c) => c.names[0]);
  if (missing.length > 0) throw new BatchJobError('CSV_MISSING_COLUMN', `missing required column ${missing.join(', ')} (${target} takes ${documented})`);
  return { fields, headerOf };
}
