/**
 * A faithful fake of LinkedIn's versioned Marketing API (`/rest/…`) and its OAuth 2.0 endpoints, built on the
 * shared sandbox kit (facts in /work/shared/PROVIDERS.md). Check order per request: faults (kit), then
 * LinkedIn-Version, Rest.li protocol, Bearer token, the member's daily budget, then the resource.
 */
import { SandboxServer, type SandboxRequest, type SandboxResponse } from '@junction/connectors/sandbox-kit';
import { LinkedInDailyBudget, type LinkedInDailyLimits } from './linkedin-budget';
import { LinkedInErrors } from './linkedin-errors';
import { DEFAULT_TTLS, LinkedInOAuth, type IssuedTokens, type LinkedInTokenTtls, type RefreshGrantCounts } from './linkedin-oauth';
import {
  ANALYTICS_ROLES,
  DEFAULT_MEMBERS,
  DEFAULT_ORGANIZATIONS,
  ORGANIZATION_URN,
  POSTING_ROLES,
  emptyStatistics,
  hasRole,
  organizationBody,
  organizationUrn,
  personUrn,
  restliPage,
  type LinkedInMember,
  type LinkedInOrganization,
  type ShareStatistics,
} from './linkedin-organizations';
import { validatePost, type LinkedInPost } from './linkedin-posts';
import { isActiveVersion, rollingActiveVersions } from './linkedin-versions';

export interface LinkedInSandboxOptions {
  clientId?: string;
  clientSecret?: string;
  /** Active `LinkedIn-Version` values (YYYYMM). Default: the 12 months up to the sandbox clock. */
  activeVersions?: string[];
  members?: LinkedInMember[];
  organizations?: LinkedInOrganization[];
  dailyLimits?: Partial<LinkedInDailyLimits>;
  ttls?: Partial<LinkedInTokenTtls>;
  /** Scope granted on consent. */
  scope?: string;
  /**
   * Single-use refresh tokens: each refresh returns a new refresh token and the old one gets invalid_grant.
   * Default false (LinkedIn returns the same refresh token). Tests of race-safe refresh turn it on.
   */
  rotateRefreshTokens?: boolean;
  /** Injectable clock: token expiry, daily budget windows and timestamps all read it. */
  now?: () => Date;
  random?: () => number;
}

export interface LinkedInLedgerEntry {
  at: Date;
  action: 'post.created';
  memberId: string;
  urn: string;
  author: string;
  lifecycleState: LinkedInPost['lifecycleState'];
  visibility: LinkedInPost['visibility'];
  commentary: string;
  version: string;
}

interface Caller {
  memberId: string;
  member?: LinkedInMember;
  scope: string[];
  version: string;
}

export const LINKEDIN_SANDBOX_CLIENT = { id: 'sandbox-client-id', secret: 'sandbox-client-secret' } as const;
export const LINKEDIN_DEFAULT_SCOPE = 'r_organization_admin,r_organization_social,w_organization_social,w_member_social,openid,profile,email';

export class LinkedInSandbox extends SandboxServer {
  readonly ledger: LinkedInLedgerEntry[] = [];
  private readonly oauth: LinkedInOAuth;
  private readonly budget: LinkedInDailyBudget;
  private readonly explicitVersions?: string[];
  private readonly members: LinkedInMember[];
  private readonly organizations: LinkedInOrganization[];
  private readonly scope: string;
  private readonly now: () => Date;
  private readonly postsByUrn = new Map<string, LinkedInPost>();
  private readonly statistics = new Map<number, Partial<ShareStatistics>>();
  private nextShareId = 7_300_000_000_000_000_001n;

  constructor(options: LinkedInSandboxOptions = {}) {
    super({ random: options.random });
    this.now = options.now ?? (() => new Date());
    const client = { id: options.clientId ?? LINKEDIN_SANDBOX_CLIENT.id, secret: options.clientSecret ?? LINKEDIN_SANDBOX_CLIENT.secret };
    this.oauth = new LinkedInOAuth(client, { ...DEFAULT_TTLS, ...options.ttls }, () => this.now().getTime(), { rotateRefreshTokens: options.rotateRefreshTokens });
    this.budget = new LinkedInDailyBudget({ memberPerDay: 100, appPerDay: Number.POSITIVE_INFINITY, ...options.dailyLimits });
    this.explicitVersions = options.activeVersions;
    this.members = options.members ?? DEFAULT_MEMBERS.map((m) => ({ ...m, acls: [...m.acls] }));
    this.organizations = options.organizations ?? [...DEFAULT_ORGANIZATIONS];
    this.scope = options.scope ?? LINKEDIN_DEFAULT_SCOPE;
  }

  get activeVersions(): string[] {
    return this.explicitVersions ?? rollingActiveVersions(this.now());
  }

  /** The newest active version (what a client should send). */
  get latestVersion(): string {
    return [...this.activeVersions].sort().at(-1)!;
  }

  /** The consent step: a single-use authorization code for `memberId` (default: the first member). */
  authorize(memberId = this.members[0]!.id, options: { scope?: string; redirectUri?: string; codeChallenge?: string } = {}): string {
    return this.oauth.issueCode(memberId, options.scope ?? this.scope, options.redirectUri ?? 'http://localhost/callback', options.codeChallenge);
  }

  /** refresh_token grants answered since start or reset: `served` (new tokens issued) and `rejected` (invalid_grant). */
  get refreshGrants(): Readonly<RefreshGrantCounts> {
    return { ...this.oauth.refreshGrants };
  }

  /** Tokens without the OAuth round trip, for test setup. */
  issueTokens(memberId = this.members[0]!.id, scope = this.scope): IssuedTokens {
    return this.oauth.issueTokens(memberId, scope);
  }

  revokeToken(accessToken: string): void {
    this.oauth.revoke(accessToken);
  }

  /** Extra statistics for an organization, added to what its sandbox posts produce. */
  setShareStatistics(organizationId: number, stats: Partial<ShareStatistics>): void {
    this.statistics.set(organizationId, stats);
  }

  posts(): LinkedInPost[] {
    return [...this.postsByUrn.values()].map((p) => ({ ...p }));
  }

  budgetUsed(memberId = this.members[0]!.id): number {
    return this.budget.used(memberId, this.now());
  }

  override reset(): void {
    super.reset();
    this.ledger.length = 0;
    this.postsByUrn.clear();
    this.statistics.clear();
    this.oauth.clear();
    this.budget.clear();
  }

  protected override faultResponse(status: number, retryAfter?: string): SandboxResponse {
    const response = status === 429 ? LinkedInErrors.dailyLimit('APPLICATION') : LinkedInErrors.server(status);
    if (retryAfter) response.headers = { 'retry-after': retryAfter };
    return response;
  }

  protected handle(req: SandboxRequest): SandboxResponse {
    const path = req.url.pathname.replace(/\/+$/, '');
    if (path === '/oauth/v2/accessToken') {
      return req.method === 'POST' ? this.oauth.tokenEndpoint(req.headers['content-type'], req.body) : LinkedInErrors.methodNotAllowed(req.method);
    }
    if (path === '/oauth/v2/revoke') {
      return req.method === 'POST' ? this.oauth.revocationEndpoint(req.headers['content-type'], req.body) : LinkedInErrors.methodNotAllowed(req.method);
    }
    if (path === '/oauth/v2/authorization' && req.method === 'GET') return this.oauth.authorizationEndpoint(req.url.searchParams, this.members[0]!.id, this.scope);
    if (path === '/v2/userinfo') return req.method === 'GET' ? this.userinfo(req) : LinkedInErrors.methodNotAllowed(req.method);
    if (!path.startsWith('/rest/')) return LinkedInErrors.notFound(`Resource ${path}`);

    const version = header(req, 'linkedin-version');
    if (!version) return LinkedInErrors.versionMissing();
    if (!isActiveVersion(version, this.activeVersions)) return LinkedInErrors.versionInactive(version);
    const protocol = header(req, 'x-restli-protocol-version');
    if (protocol !== '2.0.0') return LinkedInErrors.protocolUnsupported(protocol);

    const token = this.bearer(req);
    if (!token.ok) return token.response;
    const quota = this.budget.take(token.memberId, this.now());
    if (quota !== 'ok') return LinkedInErrors.dailyLimit(quota);

    const caller: Caller = { memberId: token.memberId, member: this.members.find((m) => m.id === token.memberId), scope: token.scope, version };
    return this.route(req, path.slice('/rest'.length), caller);
  }

  /** The Bearer token of a request: the member and scope, or the 401 LinkedIn answers. */
  private bearer(req: SandboxRequest): { ok: true; memberId: string; scope: string[] } | { ok: false; response: SandboxResponse } {
    const bearer = /^Bearer (\S+)$/i.exec(header(req, 'authorization') ?? '')?.[1];
    if (!bearer) return { ok: false, response: LinkedInErrors.emptyToken() };
    const token = this.oauth.check(bearer);
    if (token.ok) return token;
    const response = token.reason === 'expired' ? LinkedInErrors.expiredToken() : token.reason === 'revoked' ? LinkedInErrors.revokedToken() : LinkedInErrors.invalidToken();
    return { ok: false, response };
  }

  /**
   * OpenID Connect userinfo (`GET /v2/userinfo`, scope `openid`; `profile` adds the name, `email` the address). Not a
   * versioned `/rest` resource: no LinkedIn-Version, no Rest.li header, and not counted against the daily budget.
   */
  private userinfo(req: SandboxRequest): SandboxResponse {
    const token = this.bearer(req);
    if (!token.ok) return token.response;
    if (!token.scope.includes('openid')) return LinkedInErrors.accessDenied('userinfo.GET', 'v2');
    const member = this.members.find((m) => m.id === token.memberId);
    const name = member?.name ?? token.memberId;
    const [given, ...family] = name.split(' ');
    return {
      status: 200,
      body: {
        sub: token.memberId,
        ...(token.scope.includes('profile') ? { name, given_name: given, family_name: family.join(' '), locale: { country: 'US', language: 'en' } } : {}),
        ...(token.scope.includes('email') && member?.email ? { email: member.email, email_verified: true } : {}),
      },
    };
  }

  private route(req: SandboxRequest, path: string, caller: Caller): SandboxResponse {
    const params = req.url.searchParams;
    if (path === '/posts' && req.method === 'POST') return this.createPost(req.body, caller);
    if (path === '/posts' && req.method === 'GET') return this.postsByAuthor(req.url, caller);
    const post = /^\/posts\/([^/]+)$/.exec(path);
    if (post && req.method === 'GET') {
      const found = this.postsByUrn.get(decodeURIComponent(post[1]!));
      return found ? { status: 200, body: found } : LinkedInErrors.notFound(`Post ${decodeURIComponent(post[1]!)}`);
    }
    if (req.method !== 'GET') return LinkedInErrors.methodNotAllowed(req.method);
    if (path === '/organizationAcls') return this.acls(req.url, caller);
    const org = /^\/organizations\/([^/]+)$/.exec(path);
    if (org) return this.organization(org[1]!, caller);
    if (path === '/organizationalEntityShareStatistics') return this.shareStatistics(req.url, caller);
    return LinkedInErrors.notFound(`Resource ${path.slice(1)}`);
  }

  private createPost(raw: string, caller: Caller): SandboxResponse {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return LinkedInErrors.illegalArgument('Unable to parse the request body as JSON');
    }
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return LinkedInErrors.illegalArgument('The request body must be a JSON object');
    const { problems, post } = validatePost(body as Record<string, unknown>);
    if (!post) return LinkedInErrors.unprocessable(problems);

    const orgId = ORGANIZATION_URN.exec(post.author)?.[1];
    const allowed = orgId
      ? caller.scope.includes('w_organization_social') && hasRole(caller.member, Number(orgId), POSTING_ROLES)
      : caller.scope.includes('w_member_social') && post.author === personUrn(caller.memberId);
    if (!allowed) return LinkedInErrors.accessDenied('partnerApiPostsExternal.CREATE', caller.version);

    const at = this.now();
    const urn = `urn:li:share:${this.nextShareId++}`;
    const stamp = at.getTime();
    const stored: LinkedInPost = { id: urn, ...post, createdAt: stamp, lastModifiedAt: stamp, ...(post.lifecycleState === 'PUBLISHED' ? { publishedAt: stamp } : {}) };
    this.postsByUrn.set(urn, stored);
    this.ledger.push({ at, action: 'post.created', memberId: caller.memberId, urn, author: post.author, lifecycleState: post.lifecycleState, visibility: post.visibility, commentary: post.commentary, version: caller.version });
    return { status: 201, raw: '', headers: { 'x-restli-id': urn, 'x-linkedin-id': urn } };
  }

  /**
   * The posts finder `GET /rest/posts?q=author&author={encoded URN}[&sortBy=LAST_MODIFIED|CREATED]`, newest first.
   * An organization's posts need r_organization_social and a role on it; a person's only the person's own token.
   */
  private postsByAuthor(url: URL, caller: Caller): SandboxResponse {
    const params = url.searchParams;
    if (params.get('q') !== 'author') return LinkedInErrors.illegalArgument(`Unsupported finder q=${params.get('q') ?? ''}; this sandbox implements q=author`);
    const entity = encodedUrnParam(url, 'author');
    if (!entity.ok) return entity.response;
    const author = entity.urn;
    const orgId = ORGANIZATION_URN.exec(author)?.[1];
    const allowed = orgId
      ? caller.scope.includes('r_organization_social') && hasRole(caller.member, Number(orgId), [...POSTING_ROLES, ...ANALYTICS_ROLES])
      : author === personUrn(caller.memberId);
    if (!allowed) return LinkedInErrors.accessDenied('partnerApiPostsExternal.FINDER-author', caller.version);
    const sortBy = params.get('sortBy') ?? 'LAST_MODIFIED';
    if (sortBy !== 'LAST_MODIFIED' && sortBy !== 'CREATED') return LinkedInErrors.illegalArgument(`sortBy must be LAST_MODIFIED or CREATED, not ${sortBy}`);
    const key = sortBy === 'CREATED' ? 'createdAt' : 'lastModifiedAt';
    const posts = [...this.postsByUrn.values()]
      .filter((p) => p.author === author)
      .reverse()
      .sort((a, b) => b[key] - a[key]);
    return { status: 200, body: restliPage(posts, params) };
  }

  private acls(url: URL, caller: Caller): SandboxResponse {
    const params = url.searchParams;
    const q = params.get('q');
    if (q === 'organization') return this.aclsOfOrganization(url, caller);
    if (q !== 'roleAssignee') return LinkedInErrors.illegalArgument(`Unsupported finder q=${q ?? ''}; this sandbox implements q=roleAssignee and q=organization`);
    if (!caller.scope.includes('r_organization_admin')) return LinkedInErrors.accessDenied('organizationAcls.FINDER-roleAssignee', caller.version);
    const role = params.get('role');
    const state = params.get('state');
    const elements = (caller.member?.acls ?? [])
      .filter((a) => (!role || a.role === role) && (!state || a.state === state))
      .map((a) => ({ roleAssignee: personUrn(caller.memberId), role: a.role, state: a.state, organization: organizationUrn(a.organizationId) }));
    return { status: 200, body: restliPage(elements, params) };
  }

  /** `q=organization&organization={encoded URN}`: every member's role on one organization; only its ADMINISTRATORs may list them. */
  private aclsOfOrganization(url: URL, caller: Caller): SandboxResponse {
    const params = url.searchParams;
    const entity = encodedUrnParam(url, 'organization');
    if (!entity.ok) return entity.response;
    const orgId = ORGANIZATION_URN.exec(entity.urn)?.[1];
    if (!orgId) return LinkedInErrors.illegalArgument(`Invalid organization: ${entity.urn}`);
    if (!caller.scope.includes('r_organization_admin') || !hasRole(caller.member, Number(orgId), ['ADMINISTRATOR'])) {
      return LinkedInErrors.accessDenied('organizationAcls.FINDER-organization', caller.version);
    }
    const role = params.get('role');
    const state = params.get('state');
    const elements = this.members.flatMap((m) =>
      m.acls
        .filter((a) => a.organizationId === Number(orgId) && (!role || a.role === role) && (!state || a.state === state))
        .map((a) => ({ roleAssignee: personUrn(m.id), role: a.role, state: a.state, organization: organizationUrn(a.organizationId) })),
    );
    return { status: 200, body: restliPage(elements, params) };
  }

  private organization(rawId: string, caller: Caller): SandboxResponse {
    if (!/^\d+$/.test(rawId)) return LinkedInErrors.illegalArgument(`Invalid organization id: ${decodeURIComponent(rawId)}`);
    if (!caller.scope.includes('r_organization_admin')) return LinkedInErrors.accessDenied('organizations.GET', caller.version);
    const org = this.organizations.find((o) => o.id === Number(rawId));
    return org ? { status: 200, body: organizationBody(org) } : LinkedInErrors.notFound(`Organization ${rawId}`);
  }

  /** The lifetime statistics of one organization; the URN must arrive URL-encoded (Rest.li 2.0). */
  private shareStatistics(url: URL, caller: Caller): SandboxResponse {
    const params = url.searchParams;
    if (params.get('q') !== 'organizationalEntity') return LinkedInErrors.illegalArgument('q=organizationalEntity is required');
    const encoded = encodedUrnParam(url, 'organizationalEntity');
    if (!encoded.ok) return encoded.response;
    const entity = encoded.urn;
    const orgId = ORGANIZATION_URN.exec(entity)?.[1];
    if (!orgId) return LinkedInErrors.illegalArgument(`Invalid organizationalEntity: ${entity}`);
    if (!caller.scope.includes('r_organization_social') || !hasRole(caller.member, Number(orgId), ANALYTICS_ROLES)) {
      return LinkedInErrors.accessDenied('organizationalEntityShareStatistics.FINDER-organizationalEntity', caller.version);
    }
    const published = [...this.postsByUrn.values()].filter((p) => p.author === entity && p.lifecycleState === 'PUBLISHED').length;
    const base = { ...emptyStatistics(), ...this.statistics.get(Number(orgId)) };
    const totalShareStatistics = { ...base, shareCount: base.shareCount + published };
    return { status: 200, body: restliPage([{ totalShareStatistics, organizationalEntity: entity }], params) };
  }
}

/** A URN query parameter, which Rest.li 2.0 wants URL-encoded (`urn%3Ali%3A…`); unencoded → 400. */
function encodedUrnParam(url: URL, name: string): { ok: true; urn: string } | { ok: false; response: SandboxResponse } {
  const raw = new RegExp(`[?&]${name}=([^&]*)`).exec(url.search)?.[1];
  if (!raw) return { ok: false, response: LinkedInErrors.illegalArgument(`${name} is required`) };
  if (raw.includes(':')) return { ok: false, response: LinkedInErrors.illegalArgument(`URNs in query parameters must be URL-encoded under Rest.li 2.0: ${raw}`) };
  return { ok: true, urn: decodeURIComponent(raw) };
}

function header(req: SandboxRequest, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}
