/**
 * A faithful fake of a Frappe/ERPNext site's REST API (facts in /work/shared/PROVIDERS.md), on node:http.
 * Serves tests, benchmarks, chaos runs and the standalone demo; never used when real credentials exist.
 */
import { timingSafeEqual } from 'node:crypto';
import { SandboxServer, type SandboxRequest, type SandboxResponse } from '@junction/connectors/sandbox-kit';
import type { DuplicateNaming } from './customer.doctype';
import { DocStore, type SandboxLedgerEntry } from './doc-store';
import type { DocTypeSpec, SandboxCompany } from './doctype';
import { FrappeErrors, frappeThrow, serverMessages, type FrappeError } from './frappe-responses';
import { parseListQuery, QueryError, runListQuery, type Doc } from './frappe-query';
import { companySpec, customerSpec, itemSpec, seedMasters, warehouseSpec } from './masters.doctype';
import { runQueryReport } from './query-reports';
import { salesOrderSpec, updateSalesOrderStatus } from './sales-order.doctype';
import { binSpec, moveStock, stockEntrySpec, stockLedgerSpec } from './stock.doctype';

export type { SandboxRequestRecord } from '@junction/connectors/sandbox-kit';
export type { LedgerAction, SandboxLedgerEntry } from './doc-store';

export interface ErpNextSandboxOptions {
  apiKey?: string;
  apiSecret?: string;
  /** What `frappe.auth.get_logged_user` answers for a valid key. */
  user?: string;
  duplicateNaming?: DuplicateNaming;
  customerGroups?: string[];
  territories?: string[];
  /** The site's one company (default "Junction Sandbox", abbreviation SBX, USD). */
  company?: SandboxCompany;
  /** Post the opening stock (default true). Company, warehouses and items are always seeded. */
  seed?: boolean;
  now?: () => Date;
  /** For ratio faults (errorRatio, resetRatio); inject for deterministic tests. */
  random?: () => number;
}

/** Opening stock of the seeded items (posted by a Stock Reconciliation dated 2024-01-01). */
export const SEEDED_STOCK: ReadonlyArray<{ item_code: string; warehouse: string; qty: number }> = [
  { item_code: 'SKU-001', warehouse: 'Stores - SBX', qty: 100 },
  { item_code: 'SKU-001', warehouse: 'Finished Goods - SBX', qty: 20 },
  { item_code: 'SKU-002', warehouse: 'Stores - SBX', qty: 10 },
  { item_code: 'SKU-003', warehouse: 'Finished Goods - SBX', qty: 5 },
  { item_code: 'RM-STEEL', warehouse: 'Work In Progress - SBX', qty: 250 },
];

const METHOD_PREFIX = '/api/method/';
const UPDATE_STATUS = 'erpnext.selling.doctype.sales_order.sales_order.update_status';

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

type Reply = { status: number; body: unknown; headers?: Record<string, string> } | FrappeError;

export class ErpNextSandbox extends SandboxServer {
  private readonly apiKey: string;
  private readonly apiSecret: string;
  private readonly user: string;
  private readonly seed: boolean;
  private readonly store: DocStore;

  constructor(options: ErpNextSandboxOptions = {}) {
    super({ random: options.random, now: options.now });
    this.apiKey = options.apiKey ?? 'sandbox-key';
    this.apiSecret = options.apiSecret ?? 'sandbox-secret';
    this.user = options.user ?? 'Administrator';
    this.seed = options.seed ?? true;
    const rules = {
      customerGroups: options.customerGroups ?? ['All Customer Groups', 'Commercial', 'Individual', 'Government', 'Non Profit'],
      territories: options.territories ?? ['All Territories'],
      duplicateNaming: options.duplicateNaming ?? 'suffix',
    };
    const specs: DocTypeSpec[] = [companySpec(), customerSpec(rules), itemSpec(), warehouseSpec(), binSpec(), stockLedgerSpec(), stockEntrySpec(), salesOrderSpec()];
    const company = options.company ?? { name: 'Junction Sandbox', abbr: 'SBX', default_currency: 'USD' };
    this.store = new DocStore(new Map(specs.map((s) => [s.doctype, s])), this.user, company, options.now ?? (() => new Date()));
    this.seedSite();
  }

  /** Every created / updated / submitted / cancelled / status-changed document, in order. */
  get ledger(): SandboxLedgerEntry[] {
    return this.store.ledger;
  }

  /** Forgets documents, ledger, request log and faults, and re-seeds; keeps the server running. */
  override reset(): void {
    super.reset();
    this.store.clear();
    this.seedSite();
  }

  /** Documents of a DocType, oldest first, with child tables (for assertions; not an HTTP route). */
  documents(doctype: string): Doc[] {
    return this.store.all(doctype).map((d) => structuredClone(d));
  }

  /** Bin of an item in a warehouse (undefined when nothing ever touched the pair). */
  bin(itemCode: string, warehouse: string): Doc | undefined {
    const bin = this.store.all('Bin').find((b) => b.item_code === itemCode && b.warehouse === warehouse);
    return bin ? { ...bin } : undefined;
  }

  private seedSite(): void {
    seedMasters(this.store, (doctype, doc) => this.store.insertInternal(doctype, doc));
    if (!this.seed) return;
    const voucher = { doctype: 'Stock Reconciliation', name: 'MAT-RECO-2024-00001', posting_date: '2024-01-01', posting_time: '00:00:00' };
    const moves = SEEDED_STOCK.map((s) => ({ ...s, warehouse: s.warehouse.replace(/SBX$/, this.store.company.abbr), rate: Number(this.store.get('Item', s.item_code)!.valuation_rate) }));
    moveStock(this.store, voucher, moves);
  }

  protected handle(request: SandboxRequest): SandboxResponse {
    try {
      const { method, url, headers, body } = request;
      return json(this.route(method, url, headers.authorization, headers['content-type'], body));
    } catch (error) {
      if (error instanceof QueryError) return json(error.frappe);
      return json(FrappeErrors.internal('Exception', error instanceof Error ? error.message : String(error)));
    }
  }

  private route(method: string, url: URL, authorization: string | undefined, contentType: string | undefined, body: string): Reply {
    const path = url.pathname.replace(/\/+$/, '');
    const isMethod = path.startsWith(METHOD_PREFIX);
    const resource = /^\/api\/resource\/([^/]+)(?:\/(.+))?$/.exec(path);
    if (!isMethod && !resource) return { status: 404, body: { exc_type: 'NotFound', exception: 'Not Found' } };

    const auth = this.authenticate(authorization);
    if (auth === 'invalid') return FrappeErrors.authentication();
    if (auth === 'guest') return FrappeErrors.notPermitted();

    if (isMethod) {
      if (method !== 'GET' && method !== 'POST') return { status: 405, body: { exc_type: 'MethodNotAllowed', exception: 'Method Not Allowed' } };
      const args = { ...Object.fromEntries(url.searchParams), ...(method === 'POST' ? this.parseBody(contentType, body) : {}) };
      return this.callMethod(decodeURIComponent(path.slice(METHOD_PREFIX.length)), args, url.pathname);
    }

    const doctype = decodeURIComponent(resource![1]!);
    if (!this.store.specs.has(doctype)) return FrappeErrors.docTypeNotFound(doctype);
    const docName = resource![2] === undefined ? undefined : decodeURIComponent(resource![2]);

    if (docName === undefined && method === 'GET') return this.list(doctype, url.searchParams);
    if (docName === undefined && method === 'POST') {
      const { doc, messages } = this.store.insert(doctype, this.parseBody(contentType, body), url.pathname);
      const reply: Record<string, unknown> = { data: structuredClone(doc) };
      if (messages.length > 0) reply._server_messages = serverMessages(messages);
      return { status: 200, body: reply };
    }
    if (docName !== undefined && method === 'GET') return data(this.store.require(doctype, docName));
    if (docName !== undefined && method === 'PUT') {
      return data(this.store.update(doctype, docName, this.parseBody(contentType, body), url.pathname));
    }
    return { status: 405, body: { exc_type: 'MethodNotAllowed', exception: 'Method Not Allowed' } };
  }

  /** Whitelisted methods the sandbox knows; anything else is Frappe's "Failed to get method" 404. */
  private callMethod(cmd: string, args: Record<string, unknown>, path: string): Reply {
    switch (cmd) {
      case 'frappe.auth.get_logged_user':
        return { status: 200, body: { message: this.user } };
      case 'frappe.client.cancel': {
        this.store.cancel(String(args.doctype ?? ''), String(args.name ?? ''), path);
        return { status: 200, body: {} };
      }
      case UPDATE_STATUS: {
        const doc = this.store.require('Sales Order', String(args.name ?? ''));
        updateSalesOrderStatus(doc, args.status, this.store);
        this.store.recordStatus(path, doc);
        return { status: 200, body: {} };
      }
      case 'frappe.desk.query_report.run':
        return { status: 200, body: { message: runQueryReport(this.store, args.report_name, args.filters) } };
      default:
        return frappeThrow(404, 'DoesNotExistError', `Failed to get method for command ${cmd}`);
    }
  }

  private authenticate(header: string | undefined): 'ok' | 'guest' | 'invalid' {
    if (!header) return 'guest';
    const [scheme, token, ...rest] = header.split(' ');
    if (!scheme || !token || rest.length > 0) return 'guest';
    let credentials: string;
    if (scheme.toLowerCase() === 'token') credentials = token;
    else if (scheme.toLowerCase() === 'basic') credentials = Buffer.from(token, 'base64').toString('utf8');
    else return 'invalid';
    const sep = credentials.indexOf(':');
    if (sep < 0) return 'invalid';
    const ok = safeEqual(credentials.slice(0, sep), this.apiKey) && safeEqual(credentials.slice(sep + 1), this.apiSecret);
    return ok ? 'ok' : 'invalid';
  }

  /** get_list reads the parent table only: child tables are not part of list rows. */
  private list(doctype: string, params: URLSearchParams): Reply {
    const query = parseListQuery(params);
    const docs = this.store.all(doctype);
    const rows = runListQuery(docs, query, (d) => this.store.sequence(d)).map((r) =>
      Object.fromEntries(Object.entries(r).filter(([, v]) => !Array.isArray(v))),
    );
    return { status: 200, body: { data: rows } };
  }

  /** Like frappe's make_form_dict: JSON when the content type says so (invalid JSON → uncaught → 500). */
  private parseBody(contentType: string | undefined, raw: string): Record<string, unknown> {
    if (raw.trim() === '') return {};
    if ((contentType ?? '').includes('application/x-www-form-urlencoded')) {
      const form = new URLSearchParams(raw);
      const data = form.get('data');
      return data ? this.parseJson(data) : Object.fromEntries(form);
    }
    return this.parseJson(raw);
  }

  private parseJson(raw: string): Record<string, unknown> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (error) {
      throw new QueryError(FrappeErrors.internal('JSONDecodeError', error instanceof Error ? error.message : 'invalid JSON'));
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
      throw new QueryError(FrappeErrors.validation('Invalid request arguments'));
    }
    return parsed as Record<string, unknown>;
  }

  /** Injected failures keep the shapes a client meets in production: Frappe's limiter, nginx for outages. */
  protected override faultResponse(status: number, retryAfter?: string): SandboxResponse {
    if (status === 429) return json(FrappeErrors.tooManyRequests(retryAfter));
    const headers: Record<string, string> = retryAfter === undefined ? {} : { 'retry-after': retryAfter };
    if (status >= 502 && status <= 504) {
      // Real outages are answered by the reverse proxy in front of gunicorn: HTML, not Frappe JSON.
      const reason = { 502: 'Bad Gateway', 503: 'Service Temporarily Unavailable', 504: 'Gateway Time-out' }[status];
      return {
        status,
        headers: { 'content-type': 'text/html', ...headers },
        raw: `<html>\r\n<head><title>${status} ${reason}</title></head>\r\n<body>\r\n<center><h1>${status} ${reason}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`,
      };
    }
    return json({ status, body: { exc_type: 'Exception', exception: `Injected fault ${status}` }, headers });
  }
}

function data(doc: Doc): Reply {
  return { status: 200, body: { data: structuredClone(doc) } };
}

/** Frappe answers `application/json` without a charset. */
function json(reply: { status: number; body: unknown; headers?: Record<string, string> }): SandboxResponse {
  return { status: reply.status, body: reply.body, headers: { 'content-type': 'application/json', ...reply.headers } };
}
