/**
 * The contract an ERPNext MCP server and Junction's MCP adapter share: the port erp-worker calls, the tool each
 * port method maps to, and the tools' input shapes (flat, snake_case, as Frappe names things) and outputs.
 *
 * Renaming a default tool name breaks every connection that relies on the default: add an override per
 * connection (`tools`) rather than changing this map.
 */
import { z } from 'zod';
import type { ProviderMcpErrorMeta } from '@junction/mcp';
import type { ErpNextCallOptions } from '../erpnext.client';
import {
  CUSTOMER_TYPES,
  type ErpNextCustomerInput,
  type ErpNextCustomerRef,
  type ErpNextDoc,
  type ErpNextListQuery,
  type ErpNextReport,
  type SalesOrderStatusUpdate,
} from '../erpnext.types';

/**
 * What erp-worker needs from ERPNext, whichever way it is reached (Frappe REST via ErpNextClient, or an ERPNext MCP
 * server via ErpNextMcpClient). Both implementations classify every failure as an IntegrationError.
 */
export interface ErpNextPort {
  getLoggedUser(options?: ErpNextCallOptions): Promise<string>;
  findCustomerByName(customerName: string, options?: ErpNextCallOptions): Promise<ErpNextCustomerRef | null>;
  createCustomer(input: ErpNextCustomerInput, options?: ErpNextCallOptions): Promise<ErpNextCustomerRef>;
  getDoc<T = ErpNextDoc>(doctype: string, name: string, options?: ErpNextCallOptions): Promise<T>;
  listDocs<T = ErpNextDoc>(doctype: string, query?: ErpNextListQuery, options?: ErpNextCallOptions): Promise<T[]>;
  insertDoc<T = ErpNextDoc>(doctype: string, doc: Record<string, unknown>, options?: ErpNextCallOptions): Promise<T>;
  updateDoc<T = ErpNextDoc>(doctype: string, name: string, patch: Record<string, unknown>, options?: ErpNextCallOptions): Promise<T>;
  submitDoc<T = ErpNextDoc>(doctype: string, name: string, options?: ErpNextCallOptions): Promise<T>;
  cancelDoc(doctype: string, name: string, options?: ErpNextCallOptions): Promise<void>;
  runQueryReport(reportName: string, filters?: Record<string, unknown>, options?: ErpNextCallOptions): Promise<ErpNextReport>;
  updateSalesOrderStatus(name: string, status: SalesOrderStatusUpdate, options?: ErpNextCallOptions): Promise<void>;
}

export type ErpNextPortMethod = keyof ErpNextPort;

/** Port method → MCP tool name. Defaults follow the public erpnext-mcp-server where it has an equivalent. */
export const ERPNEXT_MCP_TOOLS = {
  getLoggedUser: 'get_logged_user',
  findCustomerByName: 'find_customer',
  createCustomer: 'create_customer',
  getDoc: 'get_document',
  listDocs: 'get_documents',
  insertDoc: 'create_document',
  updateDoc: 'update_document',
  submitDoc: 'submit_document',
  cancelDoc: 'cancel_document',
  runQueryReport: 'run_report',
  updateSalesOrderStatus: 'update_sales_order_status',
} as const satisfies Record<ErpNextPortMethod, string>;

export type ErpNextMcpToolMap = Record<ErpNextPortMethod, string>;

/** The server also offers tools the port does not call. */
export const ERPNEXT_MCP_SERVER_TOOLS = { ...ERPNEXT_MCP_TOOLS, getStockBalance: 'get_stock_balance' } as const;
export type ErpNextMcpServerToolMap = Record<keyof typeof ERPNEXT_MCP_SERVER_TOOLS, string>;

/** A `tools/call` result as the adapter reads it (libs/mcp's, shared by the provider adapters). */
export type { McpToolResult } from '@junction/mcp';

/** `_meta` of an error result: how the server classified the failure, so the adapter need not guess from text. */
export type ErpNextMcpErrorMeta = ProviderMcpErrorMeta;

const doctype = z.string().min(1).describe('DocType, e.g. "Sales Order"');
const docName = z.string().min(1).describe('Document name (primary key)');
const record = z.record(z.string(), z.unknown());

/** zod raw shapes of each tool's arguments (the server validates them; the adapter's arguments are typed by them). */
export const ERPNEXT_MCP_INPUTS = {
  getLoggedUser: {},
  findCustomerByName: { customer_name: z.string().min(1).describe('Exact customer_name') },
  createCustomer: {
    customer_name: z.string().min(1),
    customer_type: z.enum(CUSTOMER_TYPES),
    customer_group: z.string().optional(),
    territory: z.string().optional(),
    email_id: z.string().optional(),
    tax_id: z.string().optional(),
  },
  getDoc: { doctype, name: docName },
  listDocs: {
    doctype,
    filters: z
      .union([z.array(z.array(z.unknown()).min(3).max(4)), record])
      .optional()
      .describe('Frappe filters: [[field, op, value], …] or {field: value | [op, value]}'),
    fields: z.array(z.string()).optional().describe('Default: only name; ["*"] for every parent field'),
    order_by: z.string().optional().describe('e.g. "creation desc"'),
    limit: z.number().int().min(0).optional().describe('Page length (default 20, 0 = every row)'),
    start: z.number().int().min(0).optional(),
  },
  insertDoc: { doctype, doc: record.describe('Field values, child tables as arrays of rows') },
  updateDoc: { doctype, name: docName, patch: record.describe('Changed fields only') },
  submitDoc: { doctype, name: docName },
  cancelDoc: { doctype, name: docName },
  runQueryReport: { report_name: z.string().min(1), filters: record.optional() },
  updateSalesOrderStatus: { name: docName, status: z.enum(['Closed', 'On Hold', 'Draft']) },
  getStockBalance: { item_code: z.string().min(1), warehouse: z.string().min(1).optional() },
} as const;

type Inputs = typeof ERPNEXT_MCP_INPUTS;
export type ErpNextMcpInput<K extends keyof Inputs> = z.infer<z.ZodObject<Inputs[K]>>;

const customerRef = z.object({ name: z.string(), customer_name: z.string() });
const doc = z.looseObject({ name: z.string() });
const ok = { ok: z.literal(true) };

/** zod raw shapes of each tool's `structuredContent`. */
export const ERPNEXT_MCP_OUTPUTS = {
  getLoggedUser: { user: z.string() },
  findCustomerByName: { customer: customerRef.nullable() },
  createCustomer: { customer: customerRef },
  getDoc: { doc },
  listDocs: { data: z.array(record) },
  insertDoc: { doc },
  updateDoc: { doc },
  submitDoc: { doc },
  cancelDoc: ok,
  runQueryReport: {
    report: z.object({
      columns: z.array(z.object({ fieldname: z.string(), label: z.string(), fieldtype: z.string().optional() })),
      result: z.array(z.unknown()),
    }),
  },
  updateSalesOrderStatus: ok,
  getStockBalance: {
    item_code: z.string(),
    warehouse: z.string().nullable(),
    actual_qty: z.number(),
    projected_qty: z.number(),
    bins: z.array(z.object({ warehouse: z.string(), actual_qty: z.number(), reserved_qty: z.number(), projected_qty: z.number() })),
  },
} as const satisfies Record<keyof Inputs, z.ZodRawShape>;
