/**
 * ERPNext (Frappe REST, API v1) over undici. Every failure leaves as a classified IntegrationError; retries,
 * breakers and rate limiting are the resilience pipeline's job, not this client's.
 */
import { request } from 'undici';
import { IntegrationError, withHttpClientSpan } from '@junction/resilience';
import { httpError, PROVIDER, Redactor, transportError } from './erpnext.errors';
import { normalizeReport } from './erpnext.report';
import type {
  ErpNextClientOptions,
  ErpNextCustomerInput,
  ErpNextCustomerRef,
  ErpNextDoc,
  ErpNextListQuery,
  ErpNextReport,
  SalesOrderStatusUpdate,
} from './erpnext.types';

const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_PAGE_SIZE = 100;

interface Call extends ErpNextCallOptions {
  operation: string;
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

/**
 * Per call, from the resilience pipeline: pass `attempt.requestOptions` (undici's own header/body timeouts at the
 * attempt's limit, plus the caller's signal). Creating an AbortSignal per request cost more than the whole
 * pipeline on Node 20 (bench:resilience), so none is created here.
 */
export interface ErpNextCallOptions {
  headersTimeout?: number;
  bodyTimeout?: number;
  signal?: AbortSignal;
}

export class ErpNextClient {
  private readonly baseUrl: string;
  private readonly authorization: string;
  private readonly timeoutMs: number;
  private readonly dispatcher: ErpNextClientOptions['dispatcher'];
  private readonly redactor: Redactor;

  constructor(options: ErpNextClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.authorization = `token ${options.apiKey}:${options.apiSecret}`;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.dispatcher = options.dispatcher;
    this.redactor = new Redactor(`${options.apiKey}:${options.apiSecret}`, options.apiSecret);
  }

  /** Cheap auth probe: the user the API key belongs to. */
  async getLoggedUser(options: ErpNextCallOptions = {}): Promise<string> {
    const body = await this.call({ operation: 'getLoggedUser', method: 'GET', path: '/api/method/frappe.auth.get_logged_user', ...options });
    return String(this.field(body, 'message', 'getLoggedUser'));
  }

  /**
   * Exact match on customer_name. Case-insensitive on a real site (MariaDB *_ci collation), so "acme"
   * finds "Acme". With several matches the oldest-first order is not guaranteed; callers get one.
   */
  async findCustomerByName(customerName: string, options: ErpNextCallOptions = {}): Promise<ErpNextCustomerRef | null> {
    const body = await this.call({
      ...options,
      operation: 'findCustomerByName',
      method: 'GET',
      path: '/api/resource/Customer',
      query: {
        filters: JSON.stringify([['customer_name', '=', customerName]]),
        fields: JSON.stringify(['name', 'customer_name']),
        limit_page_length: '1',
      },
    });
    const data = this.field(body, 'data', 'findCustomerByName');
    if (!Array.isArray(data)) throw this.malformed('findCustomerByName');
    const first = data[0] as ErpNextCustomerRef | undefined;
    return first ? { name: String(first.name), customer_name: String(first.customer_name) } : null;
  }

  /** Inserts a Customer. Not idempotent: with default naming ERPNext renames a duplicate to "<name> - 1". */
  async createCustomer(input: ErpNextCustomerInput, options: ErpNextCallOptions = {}): Promise<ErpNextCustomerRef> {
    const body = await this.call({ operation: 'createCustomer', method: 'POST', path: '/api/resource/Customer', body: input, ...options });
    const data = this.field(body, 'data', 'createCustomer') as Partial<ErpNextCustomerRef> | null;
    if (!data || typeof data !== 'object' || typeof data.name !== 'string') throw this.malformed('createCustomer');
    return { name: data.name, customer_name: String(data.customer_name ?? input.customer_name) };
  }

  /** One document with its child tables. A missing one is `not_found` (404 DoesNotExistError). */
  async getDoc<T = ErpNextDoc>(doctype: string, name: string, options: ErpNextCallOptions = {}): Promise<T> {
    const body = await this.call({ ...options, operation: `getDoc ${doctype}`, method: 'GET', path: this.docPath(doctype, name) });
    return this.doc<T>(body, `getDoc ${doctype}`);
  }

  /** One page of `frappe.get_list` (REST list): `limit` defaults to 20 as on Frappe, 0 = every row. */
  async listDocs<T = ErpNextDoc>(doctype: string, query: ErpNextListQuery = {}, options: ErpNextCallOptions = {}): Promise<T[]> {
    const operation = `listDocs ${doctype}`;
    const params: Record<string, string> = {};
    if (query.filters !== undefined) params.filters = JSON.stringify(query.filters);
    if (query.fields !== undefined) params.fields = JSON.stringify(query.fields);
    if (query.orderBy !== undefined) params.order_by = query.orderBy;
    params.limit_page_length = String(query.limit ?? 20);
    if (query.start !== undefined && query.start > 0) params.limit_start = String(query.start);
    const body = await this.call({ ...options, operation, method: 'GET', path: this.resourcePath(doctype), query: params });
    const data = this.field(body, 'data', operation);
    if (!Array.isArray(data)) throw this.malformed(operation);
    return data as T[];
  }

  /**
   * Every matching row, page by page (`limit_start`), until a short page. Default order `creation asc, name asc`
   * so rows inserted meanwhile land after the pages already read instead of shifting them.
   */
  async listAllDocs<T = ErpNextDoc>(
    doctype: string,
    query: Omit<ErpNextListQuery, 'limit' | 'start'> = {},
    options: ErpNextCallOptions & { pageSize?: number } = {},
  ): Promise<T[]> {
    const { pageSize = DEFAULT_PAGE_SIZE, ...callOptions } = options;
    if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError('pageSize must be a positive integer');
    const all: T[] = [];
    for (let start = 0; ; start += pageSize) {
      const page = await this.listDocs<T>(doctype, { orderBy: 'creation asc, name asc', ...query, limit: pageSize, start }, callOptions);
      all.push(...page);
      if (page.length < pageSize) return all;
    }
  }

  /** Inserts a document (draft when submittable). Not idempotent: look the natural key up first. */
  async insertDoc<T = ErpNextDoc>(doctype: string, doc: Record<string, unknown>, options: ErpNextCallOptions = {}): Promise<T> {
    const operation = `insertDoc ${doctype}`;
    const body = await this.call({ ...options, operation, method: 'POST', path: this.resourcePath(doctype), body: doc });
    return this.doc<T>(body, operation);
  }

  /** Saves changed fields. A submitted document only accepts "allow on submit" fields (else 417 UpdateAfterSubmitError). */
  async updateDoc<T = ErpNextDoc>(doctype: string, name: string, patch: Record<string, unknown>, options: ErpNextCallOptions = {}): Promise<T> {
    const operation = `updateDoc ${doctype}`;
    const body = await this.call({ ...options, operation, method: 'PUT', path: this.docPath(doctype, name), body: patch });
    return this.doc<T>(body, operation);
  }

  /** Submits a draft: Frappe's `save()` sees docstatus 0 → 1 and runs `submit` (stock, reservations, GL). */
  async submitDoc<T = ErpNextDoc>(doctype: string, name: string, options: ErpNextCallOptions = {}): Promise<T> {
    const operation = `submitDoc ${doctype}`;
    const body = await this.call({ ...options, operation, method: 'PUT', path: this.docPath(doctype, name), body: { docstatus: 1 } });
    return this.doc<T>(body, operation);
  }

  /** `frappe.client.cancel`: docstatus 1 → 2 (answers no message). */
  async cancelDoc(doctype: string, name: string, options: ErpNextCallOptions = {}): Promise<void> {
    await this.call({
      ...options,
      operation: `cancelDoc ${doctype}`,
      method: 'POST',
      path: '/api/method/frappe.client.cancel',
      body: { doctype, name },
    });
  }

  /** A whitelisted method; answers its `message` (undefined when the method returned None). */
  async callMethod<T = unknown>(
    method: string,
    args: Record<string, unknown> = {},
    options: ErpNextCallOptions & { httpMethod?: 'GET' | 'POST' } = {},
  ): Promise<T> {
    const { httpMethod = 'POST', ...callOptions } = options;
    return (await this.invoke(`callMethod ${method}`, method, args, httpMethod, callOptions)) as T;
  }

  /** `frappe.desk.query_report.run`: columns normalized to `{ fieldname, label, fieldtype }`, rows as returned. */
  async runQueryReport(reportName: string, filters: Record<string, unknown> = {}, options: ErpNextCallOptions = {}): Promise<ErpNextReport> {
    const operation = `runQueryReport ${reportName}`;
    const args = { report_name: reportName, filters: JSON.stringify(filters) };
    const report = normalizeReport(await this.invoke(operation, 'frappe.desk.query_report.run', args, 'GET', options));
    if (report === 'prepared') {
      const message = `ERPNext ${operation}: the site runs this report as a Prepared Report (queued in the background)`;
      throw new IntegrationError('client', message, { provider: PROVIDER, operation });
    }
    if (!report) throw this.malformed(operation);
    return report;
  }

  /** ERPNext's own Close / Hold / Re-open ("Draft") of a submitted Sales Order; answers no message. */
  async updateSalesOrderStatus(name: string, status: SalesOrderStatusUpdate, options: ErpNextCallOptions = {}): Promise<void> {
    await this.call({
      ...options,
      operation: 'updateSalesOrderStatus',
      method: 'POST',
      path: '/api/method/erpnext.selling.doctype.sales_order.sales_order.update_status',
      body: { status, name },
    });
  }

  private async invoke(
    operation: string,
    method: string,
    args: Record<string, unknown>,
    httpMethod: 'GET' | 'POST',
    options: ErpNextCallOptions,
  ): Promise<unknown> {
    const path = `/api/method/${encodeURIComponent(method)}`;
    const body =
      httpMethod === 'GET'
        ? await this.call({ ...options, operation, method: 'GET', path, query: queryArgs(args) })
        : await this.call({ ...options, operation, method: 'POST', path, body: args });
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw this.malformed(operation);
    return (body as Record<string, unknown>).message;
  }

  private resourcePath(doctype: string): string {
    return `/api/resource/${encodeURIComponent(doctype)}`;
  }

  private docPath(doctype: string, name: string): string {
    return `${this.resourcePath(doctype)}/${encodeURIComponent(name)}`;
  }

  private doc<T>(body: unknown, operation: string): T {
    const data = this.field(body, 'data', operation);
    if (!data || typeof data !== 'object' || typeof (data as { name?: unknown }).name !== 'string') throw this.malformed(operation);
    return data as T;
  }

  private async call(call: Call): Promise<unknown> {
    const url = new URL(call.path, `${this.baseUrl}/`);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
      ({ status, responseHeaders, text } = await withHttpClientSpan({ method: call.method, url, provider: PROVIDER, operation: call.operation }, async () => {
        const res = await request(url, {
          method: call.method,
          headers,
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          dispatcher: this.dispatcher,
          // undici's own 300 s defaults are far too long: the client's timeout bounds the wait for headers and each
          // gap in the body, and the pipeline's per-attempt limit can only make it shorter.
          headersTimeout: Math.min(call.headersTimeout ?? this.timeoutMs, this.timeoutMs),
          bodyTimeout: Math.min(call.bodyTimeout ?? this.timeoutMs, this.timeoutMs),
          signal: call.signal,
        });
        return { status: res.statusCode, responseHeaders: res.headers, text: await res.body.text() };
      }));
    } catch (error) {
      throw transportError(call.operation, error, this.timeoutMs, this.redactor);
    }

    if (status < 200 || status >= 300) throw httpError(call.operation, status, responseHeaders, text, this.redactor);
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // A 2xx that is not JSON is a login page or a proxy's page: the URL is wrong, retrying will not help.
      throw this.malformed(call.operation, status);
    }
  }

  private field(body: unknown, key: 'data' | 'message', operation: string): unknown {
    if (!body || typeof body !== 'object' || !(key in body)) throw this.malformed(operation);
    return (body as Record<string, unknown>)[key];
  }

  private malformed(operation: string, status?: number): IntegrationError {
    return new IntegrationError('client', `ERPNext ${operation} returned an unexpected response body`, {
      provider: PROVIDER,
      operation,
      status,
    });
  }
}

/** GET arguments: strings as they are, everything else JSON (how frappe.call serializes them). */
function queryArgs(args: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args)) {
    if (v === undefined) continue;
    out[k] = typeof v === 'string' ? v : JSON.stringify(v);
  }
  return out;
}
