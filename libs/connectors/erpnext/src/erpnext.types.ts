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
