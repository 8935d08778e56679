/**
 * What a DocType contributes to the sandbox's generic document lifecycle (insert → save → submit → cancel),
 * and the validation helpers that reproduce Frappe's messages (links, mandatory fields, dates).
 */
import { FrappeErrors, frappeThrow, type FrappeMessage } from './frappe-responses';
import { QueryError, type Doc } from './frappe-query';

export interface SandboxCompany {
  name: string;
  abbr: string;
  default_currency: string;
}

export interface DocTypeContext {
  readonly user: string;
  readonly company: SandboxCompany;
  now(): Date;
  /** Case-insensitive, like a *_ci primary key. Live object: mutate only in onSubmit/onCancel. */
  get(doctype: string, name: string): Doc | undefined;
  all(doctype: string): Doc[];
  /** Next name of a naming series, e.g. "SAL-ORD-.YYYY.-" → "SAL-ORD-2024-00001". */
  nextName(series: string): string;
  /** Inserts a document created by the server itself (Bin, Stock Ledger Entry): no REST validation, no ledger. */
  insertInternal(doctype: string, doc: Doc): Doc;
}

export interface DocTypeSpec {
  readonly doctype: string;
  readonly submittable?: boolean;
  /** REST inserts/updates answer 403 (the DocType is maintained by the server, like Bin). */
  readonly readOnly?: boolean;
  /** Child tables: field → child DocType. */
  readonly children?: Record<string, string>;
  /** Fields a submitted document may still change ("Allow on Submit"). */
  readonly allowOnSubmit?: readonly string[];
  /** Validates and normalizes a new document, including its name. */
  insert?(body: Record<string, unknown>, ctx: DocTypeContext): { doc: Doc; messages?: FrappeMessage[] };
  /** Validates a draft after a patch was merged into it; answers the normalized document (same name). */
  save?(merged: Doc, ctx: DocTypeContext): Doc;
  /** Checks first, then applies side effects (a throw must leave nothing changed). */
  onSubmit?(doc: Doc, ctx: DocTypeContext): void;
  onCancel?(doc: Doc, ctx: DocTypeContext): void;
}

export const isBlank = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '');

export function fail(message: string, excType = 'ValidationError', title?: string, exception?: string): never {
  throw new QueryError(frappeThrow(417, excType, message, { title, exception }));
}

/** Frappe's `_validate_mandatory`: the first missing field, in field order. */
export function requireFields(doctype: string, doc: Doc, fields: Array<[field: string, label: string]>): void {
  for (const [field, label] of fields) {
    const v = doc[field];
    if (isBlank(v) || (Array.isArray(v) && v.length === 0)) {
      fail(`Error: Value missing for ${doctype}: ${label}`, 'MandatoryError', undefined, `frappe.exceptions.MandatoryError: [${doctype}, new]: ${field}`);
    }
  }
}

export function requireRowFields(tableLabel: string, row: Doc, idx: number, fields: Array<[string, string]>): void {
  for (const [field, label] of fields) {
    if (isBlank(row[field])) fail(`Error: ${tableLabel} Row #${idx}: Value missing for: ${label}`, 'MandatoryError');
  }
}

/** Collects unknown Link values of a document and its rows; one LinkValidationError naming them all. */
export class LinkCheck {
  private readonly bad: string[] = [];
  constructor(private readonly ctx: DocTypeContext) {}

  link(target: string, label: string, value: unknown, row?: number): this {
    if (!isBlank(value) && !this.ctx.get(target, String(value))) {
      this.bad.push(row === undefined ? `${label}: ${String(value)}` : `Row #${row}: ${label}: ${String(value)}`);
    }
    return this;
  }

  /** A link whose target list is fixed (Currency, Stock Entry Type…). */
  among(values: readonly string[], label: string, value: unknown): this {
    const v = String(value ?? '').toLowerCase();
    if (!isBlank(value) && !values.some((x) => x.toLowerCase() === v)) this.bad.push(`${label}: ${String(value)}`);
    return this;
  }

  throwIfAny(): void {
    if (this.bad.length > 0) {
      throw new QueryError(FrappeErrors.validation(`Could not find ${this.bad.join(', ')}`, 'LinkValidationError', 'Links Validation'));
    }
  }
}

/** frappe.utils.getdate for the REST surface: "YYYY-MM-DD" (a datetime's date part is accepted). */
export function dateField(value: unknown): string {
  const s = String(value ?? '').trim();
  const m = /^(\d{4}-\d{2}-\d{2})(?:[ T][\d:.]+)?$/.exec(s);
  if (!m || Number.isNaN(Date.parse(`${m[1]!}T00:00:00Z`))) fail(`<strong>${s}</strong> is not a valid date string.`, 'ValidationError', 'Invalid Date');
  return m[1]!;
}

export function num(value: unknown, fallback = 0): number {
  if (isBlank(value)) return fallback;
  const n = Number(value);
  if (Number.isNaN(n)) fail(`Invalid number: ${String(value)}`);
  return n;
}

/** Currency fields are rounded to 2 places (the default currency precision). */
export const money = (n: number): number => Math.round(n * 100) / 100;

export const todayOf = (d: Date): string =>
  `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;

/** Copies the listed fields that are present in `body` (Frappe ignores unknown keys on insert). */
export function pick(body: Record<string, unknown>, fields: readonly string[]): Doc {
  const doc: Doc = {};
  for (const f of fields) if (body[f] !== undefined) doc[f] = body[f];
  return doc;
}

export function rowsOf(value: unknown, label: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((r) => !r || typeof r !== 'object' || Array.isArray(r))) fail(`${label} must be a list of rows`);
  return value as Record<string, unknown>[];
}
