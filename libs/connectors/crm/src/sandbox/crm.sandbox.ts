/**
 * A faithful fake of HubSpot's CRM v3 objects API (contacts, deals, deal pipelines, search), built on the
 * shared sandbox kit: faults are applied before auth and routing; everything else answers like HubSpot
 * (facts in /work/shared/PROVIDERS.md). Never used when real credentials are configured.
 */
import { SandboxServer, type SandboxRequest, type SandboxResponse } from '@junction/connectors/sandbox-kit';
import { CrmRateLimiter, type CrmRateLimitConfig } from './crm-rate-limit';
import { OBJECT_TYPES, lastModifiedName, parsePropertyList, present, validateProperties, type CrmObject, type CrmObjectType } from './crm-objects';
import { DEFAULT_PIPELINES, pipelinesResponse, type Pipeline } from './deal-pipelines';
import { HubSpotErrors } from './hubspot-errors';
import { SearchQueryError, parseSearch, runSearch } from './crm-search';

export interface CrmSandboxOptions {
  /** Accepted Bearer tokens (private-app tokens look like `pat-na1-…`). */
  tokens?: string[];
  rateLimit?: Partial<CrmRateLimitConfig>;
  pipelines?: Pipeline[];
  /** Injectable clock for timestamps and rate-limit windows. */
  now?: () => Date;
  random?: () => number;
}

export interface CrmLedgerEntry {
  at: Date;
  objectType: CrmObjectType;
  id: string;
  action: 'created' | 'updated';
  /** The properties written by this request (after normalisation, e.g. lower-cased email). */
  properties: Record<string, string | null>;
}

export const CRM_SANDBOX_TOKEN = 'pat-na1-sandbox-token';
const LIST_MAX_LIMIT = 100;

export class CrmSandbox extends SandboxServer {
  readonly ledger: CrmLedgerEntry[] = [];
  private readonly tokens: Set<string>;
  private readonly limiter: CrmRateLimiter;
  private readonly pipelines: Pipeline[];
  private readonly now: () => Date;
  private readonly bootedAt: string;
  private readonly store = new Map<CrmObjectType, Map<string, CrmObject>>();
  private nextId = 1;

  constructor(options: CrmSandboxOptions = {}) {
    super({ random: options.random });
    this.tokens = new Set(options.tokens ?? [CRM_SANDBOX_TOKEN]);
    this.limiter = new CrmRateLimiter({ max: 100, intervalMs: 10_000, daily: 250_000, ...options.rateLimit });
    this.pipelines = options.pipelines ?? DEFAULT_PIPELINES.map((p) => ({ ...p, stages: [...p.stages] }));
    this.now = options.now ?? (() => new Date());
    this.bootedAt = this.now().toISOString();
  }

  override reset(): void {
    super.reset();
    this.store.clear();
    this.ledger.length = 0;
    this.limiter.clear();
    this.nextId = 1;
  }

  /** Stored objects of a type, oldest first (for assertions; not an HTTP route). */
  objects(type: CrmObjectType): CrmObject[] {
    return [...this.table(type).values()].map((o) => ({ ...o, properties: { ...o.properties } }));
  }

  protected override faultResponse(status: number, retryAfter?: string): SandboxResponse {
    if (status === 429) return HubSpotErrors.rateLimited(Number(retryAfter ?? 10), {});
    const response = HubSpotErrors.internal(status);
    if (retryAfter) response.headers = { ...response.headers, 'retry-after': retryAfter };
    return response;
  }

  protected handle(req: SandboxRequest): SandboxResponse {
    const token = /^Bearer (\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (!token) return HubSpotErrors.authMissing();
    if (!this.tokens.has(token)) return HubSpotErrors.authInvalid();

    const rate = this.limiter.take(token, this.now().getTime());
    if (!rate.allowed) return HubSpotErrors.rateLimited(rate.retryAfterSeconds, rate.headers);
    const response = this.route(req);
    response.headers = { ...rate.headers, ...response.headers };
    return response;
  }

  private route(req: SandboxRequest): SandboxResponse {
    const path = req.url.pathname.replace(/\/+$/, '');
    if (path === '/crm/v3/pipelines/deals' && req.method === 'GET') return { status: 200, body: pipelinesResponse(this.pipelines, this.bootedAt) };

    const m = /^\/crm\/v3\/objects\/([^/]+)(?:\/([^/]+))?$/.exec(path);
    const type = m?.[1] as CrmObjectType | undefined;
    if (!m || !type || !OBJECT_TYPES.includes(type)) return HubSpotErrors.routeNotFound(req.method, path);
    const id = m[2] === undefined ? undefined : decodeURIComponent(m[2]);

    if (id === 'search' && req.method === 'POST') return this.withBody(req, (body) => this.search(type, body));
    if (id === undefined && req.method === 'POST') return this.withBody(req, (body) => this.create(type, body));
    if (id === undefined && req.method === 'GET') return this.list(req, type);
    if (id !== undefined && req.method === 'GET') return this.get(type, id, req.url.searchParams);
    if (id !== undefined && req.method === 'PATCH') return this.withBody(req, (body) => this.update(type, id, body));
    return { status: 405, body: { status: 'error', message: `${req.method} not allowed`, category: 'VALIDATION_ERROR' } };
  }

  private withBody(req: SandboxRequest, then: (body: Record<string, unknown>) => SandboxResponse): SandboxResponse {
    let parsed: unknown;
    try {
      parsed = req.body.trim() === '' ? {} : JSON.parse(req.body);
    } catch (error) {
      return HubSpotErrors.invalidBody(error instanceof Error ? error.message : 'invalid JSON');
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return HubSpotErrors.invalidBody('expected a JSON object');
    return then(parsed as Record<string, unknown>);
  }

  private create(type: CrmObjectType, body: Record<string, unknown>): SandboxResponse {
    const input = body.properties;
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return HubSpotErrors.validation('Invalid input: properties must be an object', [{ message: 'properties must be an object', code: 'INVALID_INPUT', in: 'properties' }]);
    }
    const { values, errors } = validateProperties(type, input as Record<string, unknown>, this.pipelines);
    if (errors.length > 0) return HubSpotErrors.properties(errors);
    if (type === 'contacts' && values.email) {
      const existing = this.findByEmail(values.email);
      if (existing) return HubSpotErrors.duplicateContact(existing.id);
    }
    if (type === 'deals' && !values.pipeline) values.pipeline = this.pipelines[0]!.id;

    const at = this.now();
    const stamp = at.toISOString();
    const id = String(this.nextId++);
    const obj: CrmObject = {
      id,
      properties: { ...values, hs_object_id: id, createdate: stamp, [lastModifiedName(type)]: stamp },
      createdAt: stamp,
      updatedAt: stamp,
      archived: false,
    };
    this.table(type).set(id, obj);
    this.ledger.push({ at, objectType: type, id, action: 'created', properties: values });
    return { status: 201, body: present(type, obj, Object.keys(values)) };
  }

  private update(type: CrmObjectType, id: string, body: Record<string, unknown>): SandboxResponse {
    const obj = this.table(type).get(id);
    if (!obj || obj.archived) return HubSpotErrors.notFound(id);
    const input = body.properties;
    if (input === null || typeof input !== 'object' || Array.isArray(input)) {
      return HubSpotErrors.validation('Invalid input: properties must be an object', [{ message: 'properties must be an object', code: 'INVALID_INPUT', in: 'properties' }]);
    }
    const { values, errors } = validateProperties(type, input as Record<string, unknown>, this.pipelines, obj.properties);
    if (errors.length > 0) return HubSpotErrors.properties(errors);
    if (type === 'contacts' && values.email) {
      const existing = this.findByEmail(values.email);
      if (existing && existing.id !== id) return HubSpotErrors.duplicateContact(existing.id);
    }
    const at = this.now();
    obj.updatedAt = at.toISOString();
    Object.assign(obj.properties, values, { [lastModifiedName(type)]: obj.updatedAt });
    this.ledger.push({ at, objectType: type, id, action: 'updated', properties: values });
    return { status: 200, body: present(type, obj, Object.keys(obj.properties)) };
  }

  private get(type: CrmObjectType, id: string, params: URLSearchParams): SandboxResponse {
    const idProperty = params.get('idProperty');
    const obj = idProperty === 'email' && type === 'contacts' ? this.findByEmail(id.toLowerCase()) : idProperty ? undefined : this.table(type).get(id);
    const archived = params.get('archived') === 'true';
    if (!obj || obj.archived !== archived) return HubSpotErrors.notFound(id);
    return { status: 200, body: present(type, obj, parsePropertyList(params.get('properties'))) };
  }

  /** Cursor = the next id to return; ids only grow, so a cursor stays valid while objects are created. */
  private list(req: SandboxRequest, type: CrmObjectType): SandboxResponse {
    const params = req.url.searchParams;
    const limit = params.has('limit') ? Number(params.get('limit')) : 10;
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_MAX_LIMIT) {
      return HubSpotErrors.validation(`limit must be between 1 and ${LIST_MAX_LIMIT}`, [{ message: `limit must be between 1 and ${LIST_MAX_LIMIT}`, code: 'INVALID_LIMIT', in: 'limit' }]);
    }
    const after = params.get('after');
    if (after !== null && !/^\d+$/.test(after)) return HubSpotErrors.validation(`Invalid paging cursor: ${after}`);
    const archived = params.get('archived') === 'true';
    const from = after === null ? 0 : Number(after);
    const rows = [...this.table(type).values()].filter((o) => o.archived === archived && Number(o.id) >= from);
    const page = rows.slice(0, limit);
    const requested = parsePropertyList(params.get('properties'));
    const body: Record<string, unknown> = { results: page.map((o) => present(type, o, requested)) };
    const next = rows[limit];
    if (next) {
      const link = new URL(`https://api.hubapi.com${req.url.pathname}`);
      params.forEach((v, k) => k !== 'after' && link.searchParams.set(k, v));
      link.searchParams.set('after', next.id);
      body.paging = { next: { after: next.id, link: link.toString() } };
    }
    return { status: 200, body };
  }

  private search(type: CrmObjectType, body: Record<string, unknown>): SandboxResponse {
    try {
      const query = parseSearch(body);
      const { total, page, nextAfter } = runSearch([...this.table(type).values()], query);
      const out: Record<string, unknown> = { total, results: page.map((o) => present(type, o, query.properties)) };
      if (nextAfter !== undefined) out.paging = { next: { after: String(nextAfter) } };
      return { status: 200, body: out };
    } catch (error) {
      if (error instanceof SearchQueryError) return HubSpotErrors.validation(error.message, [{ message: error.message, code: 'INVALID_SEARCH' }]);
      throw error;
    }
  }

  private findByEmail(email: string): CrmObject | undefined {
    for (const o of this.table('contacts').values()) if (o.properties.email === email) return o;
    return undefined;
  }

  private table(type: CrmObjectType): Map<string, CrmObject> {
    let t = this.store.get(type);
    if (!t) this.store.set(type, (t = new Map()));
    return t;
  }
}
