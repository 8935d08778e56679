/**
 * LinkedIn's versioned Marketing API (`/rest/…`, Rest.li 2.0) and the OpenID Connect userinfo, over undici.
 * Every /rest call sends `LinkedIn-Version`, `X-Restli-Protocol-Version: 2.0.0` and a Bearer token from the token
 * provider; a 401 asks the provider once for a fresh token (passing the refused one) and repeats the request.
 * Failures leave as classified IntegrationErrors; retries, breakers and the daily budget are the resilience
 * pipeline's job.
 */
import { request } from 'undici';
import { IntegrationError } from '@junction/resilience';
import { httpError, PROVIDER, transportError } from './linkedin.errors';
import type { LinkedInPort } from './linkedin.port';
import type {
  LinkedInAclState,
  LinkedInCallOptions,
  LinkedInClientOptions,
  LinkedInEmployeeQuery,
  LinkedInEmployeeVerification,
  LinkedInIdentity,
  LinkedInOrganizationAcl,
  LinkedInOrganizationProfile,
  LinkedInOrganizationVerification,
  LinkedInPostInput,
  LinkedInPostSummary,
  LinkedInRole,
  LinkedInShareStatistics,
  LinkedInShareStatisticsResult,
  LinkedInTimeframe,
  LinkedInTokenProvider,
} from './linkedin.types';
import { employeeVerdict, organizationVerdict } from './linkedin.verification';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Rest.li collection page size the client asks for (LinkedIn's maximum varies by resource; 100 is safe for ACLs). */
const PAGE_SIZE = 100;
/** Never follow more pages than this (a paging bug must not burn the daily budget). */
const MAX_PAGES = 20;

interface Call extends LinkedInCallOptions {
  operation: string;
  method: 'GET' | 'POST';
  /** Path and query, already encoded (Rest.li 2.0 syntax in queries must reach LinkedIn unescaped). */
  path: string;
  body?: unknown;
  /** false for /v2/userinfo: not a versioned Rest.li resource. */
  restli?: boolean;
  finder?: boolean;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

const urn = (value: string) => encodeURIComponent(value);
export const organizationUrn = (id: number) => `urn:li:organization:${id}`;
export const personUrn = (id: string) => `urn:li:person:${id}`;

export class LinkedInClient implements LinkedInPort {
  readonly version: string;
  private readonly baseUrl: string;
  private readonly token: LinkedInTokenProvider;
  private readonly timeoutMs: number;
  private readonly dispatcher: LinkedInClientOptions['dispatcher'];
  private readonly now: () => Date;

  constructor(options: LinkedInClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.token = options.token;
    this.version = options.version;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.dispatcher = options.dispatcher;
    this.now = options.now ?? (() => new Date());
  }

  /** The authenticated member's roles (`q=roleAssignee`), every page; optionally one role and/or state. */
  async organizationAcls(filter: { role?: LinkedInRole; state?: LinkedInAclState } = {}, options: LinkedInCallOptions = {}): Promise<LinkedInOrganizationAcl[]> {
    const query = `q=roleAssignee${filter.role ? `&role=${filter.role}` : ''}${filter.state ? `&state=${filter.state}` : ''}`;
    return this.allPages('organizationAcls', `/rest/organizationAcls?${query}`, options, acl);
  }

  /** Every member's role on one organization (`q=organization`); LinkedIn allows it to the organization's ADMINISTRATORs only. */
  async organizationRoleAssignees(
    organizationId: number,
    filter: { role?: LinkedInRole; state?: LinkedInAclState } = {},
    options: LinkedInCallOptions = {},
  ): Promise<LinkedInOrganizationAcl[]> {
    const query = `q=organization&organization=${urn(organizationUrn(organizationId))}${filter.role ? `&role=${filter.role}` : ''}${filter.state ? `&state=${filter.state}` : ''}`;
    return this.allPages('organizationRoleAssignees', `/rest/organizationAcls?${query}`, options, acl);
  }

  /** Whether the token's member administers the organization: its role assignments (every page), judged. */
  async verifyOrganization(organizationId: number, options: LinkedInCallOptions = {}): Promise<LinkedInOrganizationVerification> {
    return organizationVerdict(organizationUrn(organizationId), await this.organizationAcls({}, options));
  }

  /**
   * Whether a member holds an APPROVED page role on the organization: the token's member from its own role
   * assignments (`q=roleAssignee`), another member from the organization's role list (`q=organization`, admins only).
   */
  async verifyEmployee(organizationId: number, query: LinkedInEmployeeQuery = {}, options: LinkedInCallOptions = {}): Promise<LinkedInEmployeeVerification> {
    const urn = organizationUrn(organizationId);
    if (query.memberUrn) {
      const all = await this.organizationRoleAssignees(organizationId, {}, options);
      return employeeVerdict(urn, query.memberUrn, all.filter((a) => a.roleAssignee === query.memberUrn), query.roles);
    }
    const all = await this.organizationAcls({}, options);
    return employeeVerdict(urn, all[0]?.roleAssignee ?? null, all.filter((a) => a.organization === urn), query.roles);
  }

  async organization(organizationId: number, options: LinkedInCallOptions = {}): Promise<LinkedInOrganizationProfile> {
    const body = await this.json({ ...options, operation: 'organization', method: 'GET', path: `/rest/organizations/${organizationId}` });
    if (!isRecord(body) || typeof body.id !== 'number' || typeof body.localizedName !== 'string') throw malformed('organization');
    return {
      id: body.id,
      urn: typeof body.$URN === 'string' ? body.$URN : organizationUrn(body.id),
      localizedName: body.localizedName,
      ...(typeof body.vanityName === 'string' ? { vanityName: body.vanityName } : {}),
      ...(typeof body.localizedWebsite === 'string' ? { localizedWebsite: body.localizedWebsite } : {}),
      ...(typeof body.primaryOrganizationType === 'string' ? { primaryOrganizationType: body.primaryOrganizationType } : {}),
    };
  }

  /** `POST /rest/posts` → 201 with the new post's URN in `x-restli-id`. Not idempotent: look up before repeating. */
  async createPost(input: LinkedInPostInput, options: LinkedInCallOptions = {}): Promise<{ urn: string }> {
    const body = {
      author: input.author,
      commentary: input.commentary,
      visibility: input.visibility ?? 'PUBLIC',
      distribution: { feedDistribution: input.feedDistribution ?? 'MAIN_FEED', targetEntities: [], thirdPartyDistributionChannels: [] },
      lifecycleState: input.lifecycleState ?? 'PUBLISHED',
      isReshareDisabledByAuthor: false,
      ...(input.article
        ? { content: { article: { source: input.article.source, title: input.article.title, ...(input.article.description ? { description: input.article.description } : {}) } } }
        : {}),
    };
    const answer = await this.call({ ...options, operation: input.article ? 'shareArticle' : 'createPost', method: 'POST', path: '/rest/posts', body });
    const id = header(answer.headers, 'x-restli-id') ?? header(answer.headers, 'x-linkedin-id');
    if (!id) throw malformed(input.article ? 'shareArticle' : 'createPost', answer.status);
    return { urn: id };
  }

  /** A post sharing an article link (`content.article`). */
  shareArticle(input: Omit<LinkedInPostInput, 'article'> & { article: NonNullable<LinkedInPostInput['article']> }, options: LinkedInCallOptions = {}) {
    return this.createPost(input, options);
  }

  /**
   * The author's posts, newest first (`GET /rest/posts?q=author&author=…`), one page of `count` from `start`.
   * Used to find a post an earlier attempt created before its outcome was recorded.
   */
  async postsByAuthor(author: string, page: { start?: number; count?: number } = {}, options: LinkedInCallOptions = {}): Promise<{ posts: LinkedInPostSummary[]; total?: number }> {
    const start = page.start ?? 0;
    const count = page.count ?? 50;
    const body = await this.json({
      ...options,
      operation: 'postsByAuthor',
      method: 'GET',
      finder: true,
      path: `/rest/posts?q=author&author=${urn(author)}&sortBy=LAST_MODIFIED&start=${start}&count=${count}`,
    });
    const { elements, total } = collection(body, 'postsByAuthor');
    const posts = elements.filter(isRecord).map((p) => ({
      urn: String(p.id),
      author: String(p.author),
      commentary: typeof p.commentary === 'string' ? p.commentary : '',
      lifecycleState: String(p.lifecycleState),
      ...(typeof p.createdAt === 'number' ? { createdAt: p.createdAt } : {}),
      ...(typeof p.lastModifiedAt === 'number' ? { lastModifiedAt: p.lastModifiedAt } : {}),
      ...(isRecord(p.content) && isRecord(p.content.article) && typeof p.content.article.source === 'string' ? { articleSource: p.content.article.source } : {}),
    }));
    return { posts, total };
  }

  /**
   * Share statistics of an organization (`organizationalEntityShareStatistics`). With a timeframe the request carries
   * `timeIntervals=(timeRange:(start:…,end:…),timeGranularityType:DAY)` and LinkedIn answers one element per interval;
   * an answer without `timeRange` (the sandbox ignores timeIntervals: lifetime totals only) is reported `timeBound: false`.
   */
  async shareStatistics(organizationId: number, timeframe?: LinkedInTimeframe, options: LinkedInCallOptions = {}): Promise<LinkedInShareStatisticsResult> {
    const intervals = timeframe
      ? `&timeIntervals=(timeRange:(start:${Math.trunc(timeframe.start)},end:${Math.trunc(timeframe.end)}),timeGranularityType:${timeframe.granularity ?? 'DAY'})`
      : '';
    const body = await this.json({
      ...options,
      operation: 'shareStatistics',
      method: 'GET',
      path: `/rest/organizationalEntityShareStatistics?q=organizationalEntity&organizationalEntity=${urn(organizationUrn(organizationId))}${intervals}`,
    });
    const { elements } = collection(body, 'shareStatistics');
    const mapped = elements.filter(isRecord).map((e) => {
      const range = isRecord(e.timeRange) && typeof e.timeRange.start === 'number' && typeof e.timeRange.end === 'number' ? { start: e.timeRange.start, end: e.timeRange.end } : undefined;
      return { ...(range ? { timeRange: range } : {}), totals: statistics(e.totalShareStatistics) };
    });
    return { elements: mapped, timeBound: timeframe !== undefined && mapped.length > 0 && mapped.every((e) => e.timeRange !== undefined) };
  }

  /** The token's member (OpenID Connect `GET /v2/userinfo`; needs the `openid` scope, `profile`/`email` for more). */
  async me(options: LinkedInCallOptions = {}): Promise<LinkedInIdentity> {
    const body = await this.json({ ...options, operation: 'me', method: 'GET', path: '/v2/userinfo', restli: false });
    if (!isRecord(body) || typeof body.sub !== 'string' || body.sub === '') throw malformed('me');
    return {
      sub: body.sub,
      personUrn: personUrn(body.sub),
      ...(typeof body.name === 'string' ? { name: body.name } : {}),
      ...(typeof body.email === 'string' ? { email: body.email } : {}),
    };
  }

  private async allPages<T>(operation: string, path: string, options: LinkedInCallOptions, map: (e: unknown) => T | undefined): Promise<T[]> {
    const out: T[] = [];
    for (let page = 0, start = 0; page < MAX_PAGES; page++) {
      const body = await this.json({ ...options, operation, method: 'GET', path: `${path}&start=${start}&count=${PAGE_SIZE}` });
      const { elements, total } = collection(body, operation);
      for (const e of elements) {
        const mapped = map(e);
        if (mapped !== undefined) out.push(mapped);
      }
      start += elements.length;
      if (elements.length < PAGE_SIZE || (total !== undefined && start >= total)) return out;
    }
    throw new IntegrationError('client', `LinkedIn ${operation}: more than ${MAX_PAGES * PAGE_SIZE} elements, stopped paging`, { provider: PROVIDER, operation });
  }

  private async json(call: Call): Promise<unknown> {
    const answer = await this.call(call);
    try {
      return JSON.parse(answer.text) as unknown;
    } catch {
      throw malformed(call.operation, answer.status);
    }
  }

  /** One request; after a 401 one more with a fresh token (the provider refreshes, or another replica already did). */
  private async call(call: Call): Promise<Answer> {
    const token = await this.token();
    let answer = await this.send(call, token);
    if (answer.status === 401) answer = await this.send(call, await this.token(token));
    if (answer.status >= 200 && answer.status < 300) return answer;
    throw httpError(call.operation, answer.status, answer.headers, answer.text, { version: this.version, now: this.now(), redact: (t) => t.split(token).join('[REDACTED]') });
  }

  private async send(call: Call, token: string): Promise<Answer> {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (call.restli !== false) {
      headers['linkedin-version'] = this.version;
      headers['x-restli-protocol-version'] = '2.0.0';
    }
    if (call.finder) headers['x-restli-method'] = 'FINDER';
    if (call.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const res = await request(`${this.baseUrl}${call.path}`, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        dispatcher: this.dispatcher,
        headersTimeout: Math.min(call.headersTimeout ?? this.timeoutMs, this.timeoutMs),
        bodyTimeout: Math.min(call.bodyTimeout ?? this.timeoutMs, this.timeoutMs),
        signal: call.signal,
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } catch (error) {
      throw transportError(call.operation, error, this.timeoutMs);
    }
  }
}

function acl(e: unknown): LinkedInOrganizationAcl | undefined {
  if (!isRecord(e) || typeof e.organization !== 'string') return undefined;
  return { roleAssignee: String(e.roleAssignee), role: String(e.role), state: String(e.state), organization: e.organization };
}

function collection(body: unknown, operation: string): { elements: unknown[]; total?: number } {
  if (!isRecord(body) || !Array.isArray(body.elements)) throw malformed(operation);
  const total = isRecord(body.paging) && typeof body.paging.total === 'number' ? body.paging.total : undefined;
  return { elements: body.elements, total };
}

const STATISTICS_KEYS = [
  'uniqueImpressionsCount', 'shareCount', 'shareMentionsCount', 'engagement', 'clickCount', 'likeCount', 'impressionCount', 'commentMentionsCount', 'commentCount',
] as const;

function statistics(raw: unknown): LinkedInShareStatistics {
  const r = isRecord(raw) ? raw : {};
  return Object.fromEntries(STATISTICS_KEYS.map((k) => [k, typeof r[k] === 'number' ? r[k] : 0])) as unknown as LinkedInShareStatistics;
}

function header(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function malformed(operation: string, status?: number): IntegrationError {
  return new IntegrationError('client', `LinkedIn ${operation} returned an unexpected response body`, { provider: PROVIDER, operation, status });
}
