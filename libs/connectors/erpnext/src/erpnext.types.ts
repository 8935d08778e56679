import type { Dispatcher } from 'undici';

export interface ErpNextClientOptions {
  /** Site URL, e.g. https://erp.example.com (no trailing /api). */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** Whole-request budget (connect + headers + body). Default 10 s. */
  timeoutMs?: number;
  /** undici dispatcher (Agent/Pool/MockAgent); defaults to undici's global dispatcher. */
  dispatcher?: Dispatcher;
}

export const CUSTOMER_TYPES = ['Company', 'Individual', 'Partnership'] as const;
export type CustomerType = (typeof CUSTOMER_TYPES)[number];

/** Frappe field names of a Customer insert. */
export interface ErpNextCustomerInput {
  customer_name: string;
  customer_type: CustomerType;
  customer_group?: string;
  territory?: string;
  email_id?: string;
  tax_id?: string;
}

/** `name` is the document id; it differs from customer_name when ERPNext renamed a duplicate ("Acme - 1"). */
export interface ErpNextCustomerRef {
  name: string;
  customer_name: string;
}

/** Any Frappe document as the REST API returns it (`name` is the primary key). */
export type ErpNextDoc = Record<string, unknown> & {
  name: string;
  /** 0 draft, 1 submitted, 2 cancelled (submittable DocTypes only). */
  docstatus?: 0 | 1 | 2;
  modified?: string;
};

export type FrappeFilterOperator =
  | '='
  | '!='
  | 'like'
  | 'not like'
  | 'in'
  | 'not in'
  | '>'
  | '<'
  | '>='
  | '<='
  | 'is'
  | 'between';

/** `[field, op, value]`, `[doctype, field, op, value]`, or `{ field: value | [op, value] }` (Frappe's three forms). */
export type FrappeFilters =
  | Array<[string, FrappeFilterOperator, unknown] | [string, string, FrappeFilterOperator, unknown]>
  | Record<string, unknown>;

export interface ErpNextListQuery {
  filters?: FrappeFilters;
  /** Default (Frappe): only `name`. `['*']` for every field of the parent (child tables are not listed). */
  fields?: string[];
  /** e.g. `'creation desc'` (Frappe's default) or `'name asc, modified desc'`. */
  orderBy?: string;
  /** Page length; Frappe's default is 20, 0 = every row (avoid on big tables). */
  limit?: number;
  start?: number;
}

export interface ErpNextReportColumn {
  fieldname: string;
  label: string;
  fieldtype?: string;
}

export interface ErpNextReport {
  columns: ErpNextReportColumn[];
  /** Rows as the report returns them: objects keyed by fieldname, or arrays in column order (older reports). */
  result: unknown[];
}

/** `update_status` values: "Draft" re-opens a Closed / On Hold order (ERPNext's own "Re-open" button sends it). */
export type SalesOrderStatusUpdate = 'Closed' | 'On Hold' | 'Draft';
