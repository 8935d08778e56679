/**
 * HubSpot CRM v3 (contacts, deals, deal pipelines, search) over undici, with a private-app token or an OAuth token
 * source. Every failure leaves as a classified IntegrationError (HubSpotError for answers with HubSpot's envelope);
 * retries, breakers and rate limiting are the resilience pipeline's job, not this client's.
 */
import { request } from 'undici';
import { IntegrationError } from '@junction/resilience';
import { httpError, PROVIDER, transportError, untilUtcMidnight } from './hubspot.errors';
import type {
  HubSpotCallOptions,
  HubSpotClientOptions,
  HubSpotLeadInput,
  HubSpotObject,
  HubSpotPipeline,
  HubSpotSearchPage,
  HubSpotSearchRequest,
  HubSpotTokenSource,
} from './hubspot.types';

const DEFAULT_TIMEOUT_MS = 10_000;
/** HubSpot's search page maximum. */
export const HUBSPOT_SEARCH_MAX_LIMIT = 200;
/** HubSpot's search answers at most this many results per query (offset + limit); beyond it, 400. */
export const HUBSPOT_SEARCH_MAX_RESULTS = 10_000;
/** The `crm` provider policy's rule names (libs/resilience provider-policies): what the headers tighten. */
const BURST_RULE = 'crm-burst';
const DAILY_RULE = 'crm-daily';

interface Call extends HubSpotCallOptions {
  operation: string;
  method: 'GET' | 'POST' | 'PATCH';
  path: string;
  query?: Record<string, string>;
  body?: unknown;
}

export class HubSpotClient {
  private readonly baseUrl: string;
  private readonly token: HubSpotTokenSource;
  private readonly timeoutMs: number;
  private readonly dispatcher: HubSpotClientOptions['dispatcher'];

  constructor(options: HubSpotClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.dispatcher = options.dispatcher;
  }

  /** POST /crm/v3/objects/contacts. A duplicate e-mail is a HubSpotError `conflict` with `existingId`. Not idempotent. */
  async createContact(properties: Record<string, string>, options: HubSpotCallOptions = {}): Promise<HubSpotObject> {
    const body = await this.call({ ...options, operation: 'createContact', method: 'POST', path: '/crm/v3/objects/contacts', body: { properties } });
    return this.object(body, 'createContact');
  }

  /** A lead is a contact with `lifecyclestage=lead`. Unset fields are not sent (HubSpot keeps its defaults). */
  async createLead(input: HubSpotLeadInput, options: HubSpotCallOptions = {}): Promise<HubSpotObject> {
    const properties: Record<string, string> = { lifecyclestage: 'lead' };
    for (const [k, v] of Object.entries(input)) if (typeof v === 'string' && v !== '') properties[k] = v;
    const body = await this.call({ ...options, operation: 'createLead', method: 'POST', path: '/crm/v3/objects/contacts', body: { properties } });
    return this.object(body, 'createLead');
  }

  /**
   * The contact with this e-mail, or null. Search is eventually consistent at HubSpot (a contact created seconds ago
   * may not be found yet): a create after a miss can still meet 409, which callers treat as "it exists".
   */
  async findContactByEmail(email: string, properties: string[] = ['email', 'firstname', 'lastname', 'lifecyclestage'], options: HubSpotCallOptions = {}): Promise<HubSpotObject | null> {
    const page = await this.search(
      'contacts',
      { filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: email.trim().toLowerCase() }] }], properties, limit: 1 },
      { ...options, operation: 'findContactByEmail' },
    );
    return page.results[0] ?? null;
  }

  /**
   * One page of GET /crm/v3/objects/contacts (every contact, oldest id first; at most 100 per page), following
   * `nextAfter`. Unlike search it has no 10,000-result ceiling: what a full listing (a reconciliation) pages through.
   */
  async listContacts(page: { limit?: number; after?: string; properties?: string[] } = {}, options: HubSpotCallOptions = {}): Promise<{ results: HubSpotObject[]; nextAfter?: string }> {
    const query: Record<string, string> = { limit: String(page.limit ?? 100) };
    if (page.after !== undefined) query.after = page.after;
    if (page.properties !== undefined) query.properties = page.properties.join(',');
    const body = await this.call({ ...options, operation: 'listContacts', method: 'GET', path: '/crm/v3/objects/contacts', query });
    const b = body as { results?: unknown; paging?: { next?: { after?: unknown } } } | null;
    if (!b || !Array.isArray(b.results)) throw this.malformed('listContacts');
    const after = b.paging?.next?.after;
    return {
      results: b.results.map((r) => this.object(r, 'listContacts')),
      nextAfter: after === undefined || after === null || after === '' ? undefined : String(after as string | number),
    };
  }

  /** GET /crm/v3/objects/deals/{id}; 404 → `not_found`. */
  async getDeal(id: string, properties: string[] = ['dealname', 'amount', 'closedate', 'dealstage', 'pipeline'], options: HubSpotCallOptions = {}): Promise<HubSpotObject> {
    const body = await this.call({
      ...options,
      operation: 'getDeal',
      method: 'GET',
      path: `/crm/v3/objects/deals/${encodeURIComponent(id)}`,
      query: { properties: properties.join(',') },
    });
    return this.object(body, 'getDeal');
  }

  /** PATCH /crm/v3/objects/deals/{id} (a merge: properties not named are kept). Idempotent for the same values. */
  async updateDeal(id: string, properties: Record<string, string | null>, options: HubSpotCallOptions = {}): Promise<HubSpotObject> {
    const body = await this.call({ ...options, operation: 'updateDeal', method: 'PATCH', path: `/crm/v3/objects/deals/${encodeURIComponent(id)}`, body: { properties } });
    return this.object(body, 'updateDeal');
  }

  /** GET /crm/v3/pipelines/deals: pipelines with their stages (probability and isClosed in each stage's metadata). */
  async listDealPipelines(options: HubSpotCallOptions = {}): Promise<HubSpotPipeline[]> {
    const body = await this.call({ ...options, operation: 'listDealPipelines', method: 'GET', path: '/crm/v3/pipelines/deals' });
    const results = (body as { results?: unknown } | null)?.results;
    if (!Array.isArray(results)) throw this.malformed('listDealPipelines');
    return results.map((p: unknown) => {
      const o = p as Partial<HubSpotPipeline>;
      if (typeof o?.id !== 'string' || !Array.isArray(o.stages)) throw this.malformed('listDealPipelines');
      return {
        id: o.id,
        label: String(o.label ?? o.id),
        displayOrder: Number(o.displayOrder ?? 0),
        stages: o.stages.map((s) => ({ id: String(s.id), label: String(s.label ?? s.id), displayOrder: Number(s.displayOrder ?? 0), metadata: { ...(s.metadata ?? {}) } })),
      };
    });
  }

  /** One page of POST /crm/v3/objects/deals/search; `nextAfter` is the next page's cursor (absent on the last). */
  async searchDeals(query: HubSpotSearchRequest, options: HubSpotCallOptions = {}): Promise<HubSpotSearchPage> {
    return this.search('deals', query, { ...options, operation: 'searchDeals' });
  }

  /** Every deal matching the query, following `paging.next.after` to the end (each page one request, no retries). */
  async searchAllDeals(query: HubSpotSearchRequest, options: HubSpotCallOptions = {}): Promise<HubSpotObject[]> {
    return collectPages((after) => this.searchDeals({ ...query, after }, options));
  }

  private async search(type: 'contacts' | 'deals', query: HubSpotSearchRequest, options: HubSpotCallOptions & { operation: string }): Promise<HubSpotSearchPage> {
    const body = await this.call({ ...options, method: 'POST', path: `/crm/v3/objects/${type}/search`, body: query });
    const b = body as { total?: unknown; results?: unknown; paging?: { next?: { after?: unknown } } } | null;
    if (!b || !Array.isArray(b.results)) throw this.malformed(options.operation);
    const after = b.paging?.next?.after;
    return {
      total: typeof b.total === 'number' ? b.total : b.results.length,
      results: b.results.map((r) => this.object(r, options.operation)),
      nextAfter: after === undefined || after === null || after === '' ? undefined : String(after as string | number),
    };
  }

  private async call(call: Call): Promise<unknown> {
    const first = await this.currentToken();
    const answer = await this.send(call, first);
    if (answer.status === 401 && typeof this.token === 'function') {
      // OAuth: the token may have been refused because it expired between the manager's check and HubSpot's. Once.
      const renewed = await this.currentToken(first);
      if (renewed !== first) return this.settle(call, await this.send(call, renewed), renewed);
    }
    return this.settle(call, answer, first);
  }

  private async currentToken(rejected?: string): Promise<string> {
    if (typeof this.token === 'string') return this.token;
    try {
      return await this.token(rejected === undefined ? undefined : { rejected });
    } catch (error) {
      if (error instanceof IntegrationError) throw error;
      throw new IntegrationError('auth', `HubSpot access token unavailable: ${error instanceof Error ? error.message : String(error)}`, { provider: PROVIDER, operation: 'token', cause: error });
    }
  }

  private async send(call: Call, token: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
    const url = new URL(call.path, `${this.baseUrl}/`);
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await request(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        dispatcher: this.dispatcher,
        // The client's timeout bounds the wait; the pipeline's per-attempt limit can only make it shorter.
        headersTimeout: Math.min(call.headersTimeout ?? this.timeoutMs, this.timeoutMs),
        bodyTimeout: Math.min(call.bodyTimeout ?? this.timeoutMs, this.timeoutMs),
        signal: call.signal,
      });
      const text = await res.body.text();
      this.reportLimits(res.headers, call);
      return { status: res.statusCode, headers: res.headers, text };
    } catch (error) {
      throw transportError(call.operation, error, this.timeoutMs, token);
    }
  }

  private settle(call: Call, answer: { status: number; headers: Record<string, string | string[] | undefined>; text: string }, token: string): unknown {
    if (answer.status < 200 || answer.status >= 300) throw httpError(call.operation, answer.status, answer.headers, answer.text, token);
    try {
      return JSON.parse(answer.text) as unknown;
    } catch {
      throw this.malformed(call.operation, answer.status);
    }
  }

  /** X-HubSpot-RateLimit-Remaining (rolling 10 s window) and -Daily-Remaining (resets at midnight UTC). */
  private reportLimits(headers: Record<string, string | string[] | undefined>, call: Call): void {
    if (!call.observeLimits) return;
    const num = (name: string) => {
      const raw = headers[name];
      const v = Array.isArray(raw) ? raw[0] : raw;
      if (v === undefined || v.trim() === '') return undefined;
      const n = Number(v);
      return Number.isFinite(n) && n >= 0 ? n : undefined;
    };
    const burst = num('x-hubspot-ratelimit-remaining');
    if (burst !== undefined) call.observeLimits({ remaining: burst, rule: BURST_RULE });
    const daily = num('x-hubspot-ratelimit-daily-remaining');
    if (daily !== undefined) call.observeLimits({ remaining: daily, resetAt: Date.now() + untilUtcMidnight(), rule: DAILY_RULE });
  }

  private object(body: unknown, operation: string): HubSpotObject {
    const o = body as Partial<HubSpotObject> | null;
    if (!o || typeof o !== 'object' || typeof o.id !== 'string' || !o.properties || typeof o.properties !== 'object') throw this.malformed(operation);
    return { id: o.id, properties: { ...o.properties }, createdAt: String(o.createdAt ?? ''), updatedAt: String(o.updatedAt ?? ''), archived: o.archived === true };
  }

  private malformed(operation: string, status?: number): IntegrationError {
    // A 2xx that is not HubSpot's JSON is a proxy's or login page: the URL is wrong, retrying will not help.
    return new IntegrationError('client', `HubSpot ${operation} returned an unexpected response body`, { provider: PROVIDER, operation, status });
  }
}

/**
 * Follows cursors to the end: `fetchPage(undefined)`, then `fetchPage(nextAfter)` until a page has none. A cursor
 * seen twice (a provider bug) ends with an error instead of looping forever.
 */
export async function collectPages<T>(fetchPage: (after: string | undefined) => Promise<{ results: T[]; nextAfter?: string }>, maxPages = 10_000): Promise<T[]> {
  const all: T[] = [];
  const seen = new Set<string>();
  let after: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const { results, nextAfter } = await fetchPage(after);
    all.push(...results);
    if (nextAfter === undefined) return all;
    if (seen.has(nextAfter)) throw new IntegrationError('client', `HubSpot paging repeated the cursor ${nextAfter}`, { provider: PROVIDER, operation: 'paging' });
    seen.add(nextAfter);
    after = nextAfter;
  }
  throw new IntegrationError('client', `HubSpot paging did not end within ${maxPages} pages`, { provider: PROVIDER, operation: 'paging' });
}
