/**
 * A faithful fake of a Frappe/ERPNext site's REST API (facts in /work/shared/PROVIDERS.md), on node:http.
 * Serves tests, benchmarks, chaos runs and the standalone demo; never used when real credentials exist.
 */
import { timingSafeEqual } from 'node:crypto';
import { SandboxServer, type SandboxRequest, type SandboxResponse } from '@junction/connectors/sandbox-kit';
import { buildCustomer, type DuplicateNaming } from './customer.doctype';
import { FrappeErrors, frappeThrow, serverMessages, type FrappeError } from './frappe-responses';
import { parseListQuery, QueryError, runListQuery, type Doc } from './frappe-query';

export type { SandboxRequestRecord } from '@junction/connectors/sandbox-kit';

export interface ErpNextSandboxOptions {
  apiKey?: string;
  apiSecret?: string;
  /** What `frappe.auth.get_logged_user` answers for a valid key. */
  user?: string;
  duplicateNaming?: DuplicateNaming;
  customerGroups?: string[];
  territories?: string[];
  now?: () => Date;
  /** For ratio faults (errorRatio, resetRatio); inject for deterministic tests. */
  random?: () => number;
}

export interface SandboxLedgerEntry {
  at: Date;
  method: string;
  path: string;
  doctype: string;
  name: string;
  action: 'created';
}

const DOCTYPES = new Set(['Customer']);

/** Frappe datetimes: site-local, no zone, microseconds. */
function frappeDatetime(d: Date, micros: number): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds() * 1000 + micros, 6)}`;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class ErpNextSandbox extends SandboxServer {
  readonly ledger: SandboxLedgerEntry[] = [];

  private readonly apiKey: string;
  private readonly apiSecret: string;
  private readonly user: string;
  private readonly duplicateNaming: DuplicateNaming;
  private readonly customerGroups: string[];
  private readonly territories: string[];
  private readonly now: () => Date;
  /** doctype → lower-cased name → doc (names are unique case-insensitively, like a *_ci primary key). */
  private readonly docs = new Map<string, Map<string, Doc>>();
  private readonly seqOf = new WeakMap<Doc, number>();
  private seq = 0;

  constructor(options: ErpNextSandboxOptions = {}) {
    super({ random: options.random, now: options.now });
    this.apiKey = options.apiKey ?? 'sandbox-key';
    this.apiSecret = options.apiSecret ?? 'sandbox-secret';
    this.user = options.user ?? 'Administrator';
    this.duplicateNaming = options.duplicateNaming ?? 'suffix';
    this.customerGroups = options.customerGroups ?? ['All Customer Groups', 'Commercial', 'Individual', 'Government', 'Non Profit'];
    this.territories = options.territories ?? ['All Territories'];
    this.now = options.now ?? (() => new Date());
  }

  /** Forgets documents, ledger, request log and faults; keeps the server running. */
  override reset(): void {
    super.reset();
    this.docs.clear();
    this.ledger.length = 0;
  }

  /** Documents of a DocType, oldest first (for assertions; not an HTTP route). */
  documents(doctype: string): Doc[] {
    return [...(this.docs.get(doctype)?.values() ?? [])].map((d) => ({ ...d }));
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

  private route(
    method: string,
    url: URL,
    authorization: string | undefined,
    contentType: string | undefined,
    body: string,
  ): { status: number; body: unknown; headers?: Record<string, string> } | FrappeError {
    const path = url.pathname.replace(/\/+$/, '');
    const isMethod = path.startsWith('/api/method/');
    const resource = /^\/api\/resource\/([^/]+)(?:\/(.+))?$/.exec(path);
    if (!isMethod && !resource) return { status: 404, body: { exc_type: 'NotFound', exception: 'Not Found' } };

    const auth = this.authenticate(authorization);
    if (auth === 'invalid') return FrappeErrors.authentication();
    if (auth === 'guest') return FrappeErrors.notPermitted();

    if (isMethod) {
      if (path === '/api/method/frappe.auth.get_logged_user' && (method === 'GET' || method === 'POST')) {
        return { status: 200, body: { message: this.user } };
      }
      const cmd = path.slice('/api/method/'.length);
      return frappeThrow(404, 'DoesNotExistError', `Failed to get method for command ${cmd}`);
    }

    const doctype = decodeURIComponent(resource![1]!);
    if (!DOCTYPES.has(doctype)) return FrappeErrors.docTypeNotFound(doctype);
    const docName = resource![2] === undefined ? undefined : decodeURIComponent(resource![2]);

    if (docName === undefined && method === 'GET') return this.list(doctype, url.searchParams);
    if (docName === undefined && method === 'POST') return this.create(doctype, url.pathname, contentType, body);
    if (docName !== undefined && method === 'GET') {
      const doc = this.docs.get(doctype)?.get(docName.toLowerCase());
      return doc ? { status: 200, body: { data: { ...doc } } } : FrappeErrors.docNotFound(doctype, docName);
    }
    return { status: 405, body: { exc_type: 'MethodNotAllowed', exception: 'Method Not Allowed' } };
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

  private list(doctype: string, params: URLSearchParams) {
    const query = parseListQuery(params);
    const docs = [...(this.docs.get(doctype)?.values() ?? [])];
    return { status: 200, body: { data: runListQuery(docs, query, (d) => this.seqOf.get(d) ?? 0) } };
  }

  private create(doctype: string, path: string, contentType: string | undefined, raw: string) {
    const input = this.parseBody(contentType, raw);
    const table = this.docs.get(doctype) ?? new Map<string, Doc>();
    const { doc, messages } = buildCustomer(
      input,
      { customerGroups: this.customerGroups, territories: this.territories, duplicateNaming: this.duplicateNaming },
      (name) => table.get(name.toLowerCase())?.name as string | undefined,
      () => [...table.values()].map((d) => String(d.name)),
    );
    const at = this.now();
    this.seq += 1;
    const stamp = frappeDatetime(at, this.seq % 1000);
    const stored: Doc = {
      name: doc.name,
      owner: this.user,
      creation: stamp,
      modified: stamp,
      modified_by: this.user,
      docstatus: 0,
      idx: 0,
      naming_series: null,
      customer_group: null,
      territory: null,
      email_id: null,
      mobile_no: null,
      tax_id: null,
      website: null,
      lead_name: null,
      default_currency: null,
      ...doc,
      doctype,
    };
    table.set(String(stored.name).toLowerCase(), stored);
    this.docs.set(doctype, table);
    this.seqOf.set(stored, this.seq);
    this.ledger.push({ at, method: 'POST', path, doctype, name: String(stored.name), action: 'created' });
    const body: Record<string, unknown> = { data: { ...stored } };
    if (messages.length > 0) body._server_messages = serverMessages(messages);
    return { status: 200, body };
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

/** Frappe answers `application/json` without a charset. */
function json(reply: { status: number; body: unknown; headers?: Record<string, string> }): SandboxResponse {
  return { status: reply.status, body: reply.body, headers: { 'content-type': 'application/json', ...reply.headers } };
}
