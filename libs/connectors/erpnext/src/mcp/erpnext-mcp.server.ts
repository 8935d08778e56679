/**
 * An ERPNext MCP server: the Frappe REST API (through ErpNextClient, so every failure is already classified and
 * redacted) as MCP tools. Serves as the sandbox peer for the MCP adapter, and can wrap a real site.
 *
 * One McpServer per MCP session: the SDK's server binds to exactly one transport. Build as many as needed over
 * the same client.
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { IntegrationError } from '@junction/resilience';
import type { FrappeFilters } from '../erpnext.types';
import {
  ERPNEXT_MCP_INPUTS as IN,
  ERPNEXT_MCP_OUTPUTS as OUT,
  ERPNEXT_MCP_SERVER_TOOLS,
  type ErpNextMcpErrorMeta,
  type ErpNextMcpServerToolMap,
  type ErpNextPort,
} from './erpnext-mcp.tools';

export interface ErpNextMcpServerOptions {
  /** Tool names other than the defaults (ERPNEXT_MCP_SERVER_TOOLS). */
  tools?: Partial<ErpNextMcpServerToolMap>;
  /** Reported in `initialize` (serverInfo). */
  name?: string;
  version?: string;
}

const READ: ToolAnnotations = { readOnlyHint: true, idempotentHint: true, openWorldHint: false };
const CREATE: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false };
const SET: ToolAnnotations = { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false };

/** Structured output plus the same JSON as text, for clients that ignore structuredContent. */
function success(structured: Record<string, unknown>): CallToolResult {
  return { structuredContent: structured, content: [{ type: 'text', text: JSON.stringify(structured) }] };
}

/**
 * The failure as a tool result (MCP reports tool failures in-band). Only an IntegrationError's message leaves:
 * ErpNextClient built it from the site's error and redacted the credentials. Anything else is a bug here, and its
 * message is not echoed (it could hold anything).
 */
function failure(tool: string, error: unknown): CallToolResult {
  const meta: ErpNextMcpErrorMeta =
    error instanceof IntegrationError
      ? { httpStatus: error.status, errorClass: error.errorClass, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) }
      : { httpStatus: undefined, errorClass: 'client' };
  const text = error instanceof IntegrationError ? error.message : `ERPNext MCP tool ${tool} failed unexpectedly`;
  return { isError: true, content: [{ type: 'text', text }], _meta: { ...meta } };
}

async function run(tool: string, call: () => Promise<Record<string, unknown>>): Promise<CallToolResult> {
  try {
    return success(await call());
  } catch (error) {
    return failure(tool, error);
  }
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : Number(v) || 0);

export function createErpNextMcpServer(client: ErpNextPort, options: ErpNextMcpServerOptions = {}): McpServer {
  const t = { ...ERPNEXT_MCP_SERVER_TOOLS, ...options.tools };
  const server = new McpServer({ name: options.name ?? 'erpnext-mcp', version: options.version ?? '0.1.0' }, { capabilities: { tools: {} } });

  server.registerTool(
    t.getLoggedUser,
    { title: 'Logged-in user', description: 'The ERPNext user the API key belongs to (an auth probe).', inputSchema: IN.getLoggedUser, outputSchema: OUT.getLoggedUser, annotations: READ },
    () => run(t.getLoggedUser, async () => ({ user: await client.getLoggedUser() })),
  );
  server.registerTool(
    t.findCustomerByName,
    { title: 'Find customer', description: 'The Customer whose customer_name matches exactly, or null.', inputSchema: IN.findCustomerByName, outputSchema: OUT.findCustomerByName, annotations: READ },
    (a) => run(t.findCustomerByName, async () => ({ customer: await client.findCustomerByName(a.customer_name) })),
  );
  server.registerTool(
    t.createCustomer,
    { title: 'Create customer', description: 'Inserts a Customer. Not idempotent: a duplicate name is renamed ("Acme - 1").', inputSchema: IN.createCustomer, outputSchema: OUT.createCustomer, annotations: CREATE },
    (a) => run(t.createCustomer, async () => ({ customer: await client.createCustomer(a) })),
  );
  server.registerTool(
    t.getDoc,
    { title: 'Get document', description: 'One document with its child tables.', inputSchema: IN.getDoc, outputSchema: OUT.getDoc, annotations: READ },
    (a) => run(t.getDoc, async () => ({ doc: await client.getDoc(a.doctype, a.name) })),
  );
  server.registerTool(
    t.listDocs,
    { title: 'List documents', description: 'One page of a DocType list (frappe.get_list).', inputSchema: IN.listDocs, outputSchema: OUT.listDocs, annotations: READ },
    (a) =>
      run(t.listDocs, async () => ({
        data: await client.listDocs(a.doctype, {
          // Shape-checked by the schema; operators are Frappe's to validate (it answers 417 for a bad one).
          filters: a.filters as FrappeFilters | undefined,
          fields: a.fields,
          orderBy: a.order_by,
          limit: a.limit,
          start: a.start,
        }),
      })),
  );
  server.registerTool(
    t.insertDoc,
    { title: 'Create document', description: 'Inserts a document (a draft when the DocType is submittable). Not idempotent.', inputSchema: IN.insertDoc, outputSchema: OUT.insertDoc, annotations: CREATE },
    (a) => run(t.insertDoc, async () => ({ doc: await client.insertDoc(a.doctype, a.doc) })),
  );
  server.registerTool(
    t.updateDoc,
    { title: 'Update document', description: 'Saves the given fields. A submitted document only accepts "allow on submit" fields.', inputSchema: IN.updateDoc, outputSchema: OUT.updateDoc, annotations: SET },
    (a) => run(t.updateDoc, async () => ({ doc: await client.updateDoc(a.doctype, a.name, a.patch) })),
  );
  server.registerTool(
    t.submitDoc,
    { title: 'Submit document', description: 'Submits a draft (docstatus 0 → 1): posts stock and reservations.', inputSchema: IN.submitDoc, outputSchema: OUT.submitDoc, annotations: { ...CREATE } },
    (a) => run(t.submitDoc, async () => ({ doc: await client.submitDoc(a.doctype, a.name) })),
  );
  server.registerTool(
    t.cancelDoc,
    { title: 'Cancel document', description: 'Cancels a submitted document (docstatus 1 → 2), reversing its postings.', inputSchema: IN.cancelDoc, outputSchema: OUT.cancelDoc, annotations: { ...CREATE, destructiveHint: true } },
    (a) => run(t.cancelDoc, async () => (await client.cancelDoc(a.doctype, a.name), { ok: true })),
  );
  server.registerTool(
    t.runQueryReport,
    { title: 'Run report', description: 'Runs a query report; columns normalized to {fieldname, label, fieldtype}.', inputSchema: IN.runQueryReport, outputSchema: OUT.runQueryReport, annotations: READ },
    (a) => run(t.runQueryReport, async () => ({ report: await client.runQueryReport(a.report_name, a.filters) })),
  );
  server.registerTool(
    t.updateSalesOrderStatus,
    { title: 'Update sales order status', description: 'Close, hold, or re-open ("Draft") a submitted Sales Order.', inputSchema: IN.updateSalesOrderStatus, outputSchema: OUT.updateSalesOrderStatus, annotations: SET },
    (a) => run(t.updateSalesOrderStatus, async () => (await client.updateSalesOrderStatus(a.name, a.status), { ok: true })),
  );
  server.registerTool(
    t.getStockBalance,
    { title: 'Stock balance', description: 'Actual and projected quantity of an item (Bin rows), in one warehouse or summed over all.', inputSchema: IN.getStockBalance, outputSchema: OUT.getStockBalance, annotations: READ },
    (a) =>
      run(t.getStockBalance, async () => {
        const filters: FrappeFilters = [['item_code', '=', a.item_code], ...(a.warehouse ? [['warehouse', '=', a.warehouse] as [string, '=', unknown]] : [])];
        const rows = await client.listDocs('Bin', { filters, fields: ['warehouse', 'actual_qty', 'reserved_qty', 'projected_qty'], orderBy: 'warehouse asc', limit: 0 });
        const bins = rows.map((b) => ({ warehouse: String(b.warehouse), actual_qty: num(b.actual_qty), reserved_qty: num(b.reserved_qty), projected_qty: num(b.projected_qty) }));
        return {
          item_code: a.item_code,
          warehouse: a.warehouse ?? null,
          actual_qty: bins.reduce((s, b) => s + b.actual_qty, 0),
          projected_qty: bins.reduce((s, b) => s + b.projected_qty, 0),
          bins,
        };
      }),
  );
  return server;
}
