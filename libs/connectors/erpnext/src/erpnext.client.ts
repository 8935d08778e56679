/**
 * ERPNext (Frappe REST, API v1) over undici. Every failure leaves as a classified IntegrationError; retries,
 * breakers and rate limiting are the resilience pipeline's job, not this client's.
 */
import { request } from 'undici';
import { IntegrationError } from '@junction/resilience';
import { httpError, PROVIDER, Redactor, transportError } from './erpnext.errors';
import type { ErpNextClientOptions, ErpNextCustomerInput, ErpNextCustomerRef } from './erpnext.types';

const DEFAULT_TIMEOUT_MS = 10_000;

interface Call extends ErpNextCallOptions {
  operation: string;
  method: 'GET' | 'POST';
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

  private async call(call: Call): Promise<unknown> {
    const url = new URL(call.path, `${this.baseUrl}/`);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { authorization: this.authorization, accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';

    let status: number;
    let responseHeaders: Record<string, string | string[] | undefined>;
    let text: string;
    try {
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
      status = res.statusCode;
      responseHeaders = res.headers;
      text = await res.body.text();
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
