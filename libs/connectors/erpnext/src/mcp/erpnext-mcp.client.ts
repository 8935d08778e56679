/**
 * ErpNextPort over an ERPNext MCP server: each port method is one `tools/call`. The MCP session is the caller's
 * (`callTool` is a plain function), so this adapter depends on no MCP client (only on libs/mcp's result readers) and
 * fakes trivially.
 *
 * Results and failures come back exactly as ErpNextClient would give them: the same shapes, and IntegrationErrors
 * with the same classes and operation labels, so the resilience pipeline and settlement policy cannot tell the
 * two transports apart.
 */
import { callFailureError, isRecord, malformedToolResult, PROVIDER_MCP_MAX_MESSAGE, structuredOutput, toolResultError, withoutUndefined, type ProviderMcpFrame } from '@junction/mcp';
import { IntegrationError, type ErrorClass } from '@junction/resilience';
import type { ErpNextCallOptions } from '../erpnext.client';
import { PROVIDER } from '../erpnext.errors';
import { normalizeReport } from '../erpnext.report';
import type {
  ErpNextCustomerInput,
  ErpNextCustomerRef,
  ErpNextDoc,
  ErpNextListQuery,
  ErpNextReport,
  SalesOrderStatusUpdate,
} from '../erpnext.types';
import { ERPNEXT_MCP_TOOLS, type ErpNextMcpInput, type ErpNextMcpToolMap, type ErpNextPort, type ErpNextPortMethod, type McpToolResult } from './erpnext-mcp.tools';
import { ERPNEXT_TOOL_ERROR_TEXT_RULES } from './erpnext-mcp.errors';

const FRAME: ProviderMcpFrame = { provider: PROVIDER, label: 'ERPNext' };

/** One `tools/call` on the caller's MCP session; `options` carries the attempt's timeout and abort signal. */
export type McpCallTool = (name: string, args: Record<string, unknown>, options: ErpNextCallOptions) => Promise<McpToolResult>;

export interface ErpNextMcpClientOptions {
  callTool: McpCallTool;
  /** Tool names of this connection's server, where they differ from ERPNEXT_MCP_TOOLS. */
  tools?: Partial<ErpNextMcpToolMap>;
}

export class ErpNextMcpClient implements ErpNextPort {
  private readonly callTool: McpCallTool;
  private readonly tools: ErpNextMcpToolMap;

  constructor(options: ErpNextMcpClientOptions) {
    this.callTool = options.callTool;
    this.tools = { ...ERPNEXT_MCP_TOOLS, ...options.tools };
  }

  async getLoggedUser(options: ErpNextCallOptions = {}): Promise<string> {
    const out = await this.call('getLoggedUser', 'getLoggedUser', {}, options);
    if (typeof out.user !== 'string') throw malformed('getLoggedUser');
    return out.user;
  }

  async findCustomerByName(customerName: string, options: ErpNextCallOptions = {}): Promise<ErpNextCustomerRef | null> {
    const args: ErpNextMcpInput<'findCustomerByName'> = { customer_name: customerName };
    const out = await this.call('findCustomerByName', 'findCustomerByName', args, options);
    if (out.customer === null) return null;
    return customerRef(out.customer, 'findCustomerByName');
  }

  async createCustomer(input: ErpNextCustomerInput, options: ErpNextCallOptions = {}): Promise<ErpNextCustomerRef> {
    const args: ErpNextMcpInput<'createCustomer'> = { ...input };
    const out = await this.call('createCustomer', 'createCustomer', args, options);
    return customerRef(out.customer, 'createCustomer', input.customer_name);
  }

  async getDoc<T = ErpNextDoc>(doctype: string, name: string, options: ErpNextCallOptions = {}): Promise<T> {
    const args: ErpNextMcpInput<'getDoc'> = { doctype, name };
    return this.doc<T>('getDoc', `getDoc ${doctype}`, args, options);
  }

  async listDocs<T = ErpNextDoc>(doctype: string, query: ErpNextListQuery = {}, options: ErpNextCallOptions = {}): Promise<T[]> {
    const operation = `listDocs ${doctype}`;
    const args: ErpNextMcpInput<'listDocs'> = {
      doctype,
      filters: query.filters,
      fields: query.fields,
      order_by: query.orderBy,
      // Sent explicitly so the page size does not depend on the server's default.
      limit: query.limit ?? 20,
      start: query.start !== undefined && query.start > 0 ? query.start : undefined,
    };
    const out = await this.call('listDocs', operation, withoutUndefined(args), options);
    if (!Array.isArray(out.data)) throw malformed(operation);
    return out.data as T[];
  }

  async insertDoc<T = ErpNextDoc>(doctype: string, doc: Record<string, unknown>, options: ErpNextCallOptions = {}): Promise<T> {
    const args: ErpNextMcpInput<'insertDoc'> = { doctype, doc };
    return this.doc<T>('insertDoc', `insertDoc ${doctype}`, args, options);
  }

  async updateDoc<T = ErpNextDoc>(doctype: string, name: string, patch: Record<string, unknown>, options: ErpNextCallOptions = {}): Promise<T> {
    const args: ErpNextMcpInput<'updateDoc'> = { doctype, name, patch };
    return this.doc<T>('updateDoc', `updateDoc ${doctype}`, args, options);
  }

  async submitDoc<T = ErpNextDoc>(doctype: string, name: string, options: ErpNextCallOptions = {}): Promise<T> {
    const args: ErpNextMcpInput<'submitDoc'> = { doctype, name };
    return this.doc<T>('submitDoc', `submitDoc ${doctype}`, args, options);
  }

  async cancelDoc(doctype: string, name: string, options: ErpNextCallOptions = {}): Promise<void> {
    const operation = `cancelDoc ${doctype}`;
    const args: ErpNextMcpInput<'cancelDoc'> = { doctype, name };
    const out = await this.call('cancelDoc', operation, args, options);
    if (out.ok !== true) throw malformed(operation);
  }

  async runQueryReport(reportName: string, filters: Record<string, unknown> = {}, options: ErpNextCallOptions = {}): Promise<ErpNextReport> {
    const operation = `runQueryReport ${reportName}`;
    const args: ErpNextMcpInput<'runQueryReport'> = { report_name: reportName, filters };
    const out = await this.call('runQueryReport', operation, args, options);
    // normalizeReport also accepts a server that passes Frappe's raw report message through.
    const report = normalizeReport(out.report);
    if (report === 'prepared') {
      throw new IntegrationError('client', `ERPNext ${operation}: the site runs this report as a Prepared Report (queued in the background)`, { provider: PROVIDER, operation });
    }
    if (!report) throw malformed(operation);
    return report;
  }

  async updateSalesOrderStatus(name: string, status: SalesOrderStatusUpdate, options: ErpNextCallOptions = {}): Promise<void> {
    const args: ErpNextMcpInput<'updateSalesOrderStatus'> = { name, status };
    const out = await this.call('updateSalesOrderStatus', 'updateSalesOrderStatus', args, options);
    if (out.ok !== true) throw malformed('updateSalesOrderStatus');
  }

  private async doc<T>(method: ErpNextPortMethod, operation: string, args: Record<string, unknown>, options: ErpNextCallOptions): Promise<T> {
    const out = await this.call(method, operation, args, options);
    const doc = out.doc;
    if (!doc || typeof doc !== 'object' || Array.isArray(doc) || typeof (doc as { name?: unknown }).name !== 'string') throw malformed(operation);
    return doc as T;
  }

  /** One tool call → its structured output; every failure (thrown or in-band) leaves as an IntegrationError. */
  private async call(method: ErpNextPortMethod, operation: string, args: Record<string, unknown>, options: ErpNextCallOptions): Promise<Record<string, unknown>> {
    const tool = this.tools[method];
    let result: McpToolResult;
    try {
      result = await this.callTool(tool, args, options);
    } catch (error) {
      // An MCP client library's own classification is reframed below; ours (circuit open, cancelled) passes through.
      if (error instanceof IntegrationError && error.provider !== PROVIDER) throw fromMcpLayer(error, tool, operation);
      throw callFailureError(error, { ...FRAME, tool, operation });
    }
    if (!isRecord(result)) throw malformed(operation);
    if (result.isError === true) throw toolResultError(result, { ...FRAME, tool, operation }, ERPNEXT_TOOL_ERROR_TEXT_RULES);
    const out = structuredOutput(result);
    if (!isRecord(out)) throw malformed(operation);
    return out;
  }
}

/**
 * A failure an MCP client library classified itself (libs/mcp's McpCallError: provider `mcp`, code MCP_*,
 * operation `tools/call <tool>`), as ErpNextClient would report it: provider erpnext, the port's operation, the
 * code of its class (PROVIDER_*), so `.failed` events and dead-letter reasons read the same on both transports. The
 * class is kept (the library knows what is retryable) except `not_found`: below the tool call it means the tool or
 * the endpoint is missing, a misconfiguration to reject, never "ERPNext has no such document".
 */
function fromMcpLayer(error: IntegrationError, tool: string, operation: string): IntegrationError {
  const errorClass: ErrorClass = error.errorClass === 'not_found' ? 'client' : error.errorClass;
  return new IntegrationError(errorClass, `ERPNext ${operation} failed (MCP ${tool}, ${error.code}): ${error.message}`.slice(0, PROVIDER_MCP_MAX_MESSAGE), {
    provider: PROVIDER,
    operation,
    status: error.status,
    retryAfterMs: error.retryAfterMs,
    cause: error,
  });
}

function customerRef(value: unknown, operation: string, fallbackName?: string): ErpNextCustomerRef {
  if (!isRecord(value) || typeof value.name !== 'string') throw malformed(operation);
  return { name: value.name, customer_name: String(value.customer_name ?? fallbackName ?? value.name) };
}

/** A result that breaks the tool contract (permanent), as ErpNextClient classifies a 2xx body it cannot read. */
function malformed(operation: string): IntegrationError {
  return malformedToolResult(FRAME, operation);
}
