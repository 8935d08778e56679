import type { Dispatcher } from 'undici';

/**
 * The access token source: called before each request, and once more with the token LinkedIn refused (401) so an
 * OAuth connection can refresh (OAuthTokenManager: one refresh per token across replicas). A fixed token ignores it.
 */
export type LinkedInTokenProvider = (rejected?: string) => Promise<string>;

export interface LinkedInClientOptions {
  /** API host, e.g. https://api.linkedin.com (the client adds /rest/…). */
  baseUrl: string;
  token: LinkedInTokenProvider;
  /** `LinkedIn-Version` (YYYYMM or YYYYMM.RR) sent on every /rest call. */
  version: string;
  /** Whole-request budget (headers, then each gap in the body). Default 10 s. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Clock for the daily-limit reset (midnight UTC); tests inject one. */
  now?: () => Date;
}

/** Per call, from the resilience pipeline (`attempt.requestOptions`). */
export interface LinkedInCallOptions {
  headersTimeout?: number;
  bodyTimeout?: number;
  signal?: AbortSignal;
}

export type LinkedInRole = 'ADMINISTRATOR' | 'CONTENT_ADMINISTRATOR' | 'DIRECT_SPONSORED_CONTENT_POSTER' | 'ANALYST' | 'RECRUITING_POSTER' | 'LEAD_GEN_FORMS_MANAGER';
export type LinkedInAclState = 'APPROVED' | 'REQUESTED' | 'REJECTED' | 'REVOKED';

export interface LinkedInOrganizationAcl {
  /** `urn:li:person:…` */
  roleAssignee: string;
  role: string;
  state: string;
  /** `urn:li:organization:…` */
  organization: string;
}

export interface LinkedInOrganizationProfile {
  id: number;
  urn: string;
  localizedName: string;
  vanityName?: string;
  localizedWebsite?: string;
  primaryOrganizationType?: string;
}

export type LinkedInVisibility = 'PUBLIC' | 'CONNECTIONS' | 'LOGGED_IN' | 'CONTAINER';

export interface LinkedInPostInput {
  /** `urn:li:organization:N` or `urn:li:person:ID`. */
  author: string;
  commentary: string;
  visibility?: LinkedInVisibility;
  lifecycleState?: 'PUBLISHED' | 'DRAFT';
  /** Default MAIN_FEED. */
  feedDistribution?: 'MAIN_FEED' | 'NONE';
  article?: LinkedInArticle;
}

export interface LinkedInArticle {
  /** The shared URL. */
  source: string;
  title: string;
  description?: string;
}

export interface LinkedInPostSummary {
  urn: string;
  author: string;
  commentary: string;
  lifecycleState: string;
  createdAt?: number;
  lastModifiedAt?: number;
  articleSource?: string;
}

export interface LinkedInShareStatistics {
  uniqueImpressionsCount: number;
  shareCount: number;
  shareMentionsCount: number;
  engagement: number;
  clickCount: number;
  likeCount: number;
  impressionCount: number;
  commentMentionsCount: number;
  commentCount: number;
}

export interface LinkedInTimeframe {
  /** Epoch ms, inclusive. */
  start: number;
  /** Epoch ms, exclusive. */
  end: number;
  granularity?: 'DAY' | 'MONTH';
}

export interface LinkedInShareStatisticsResult {
  /** One element per interval with a timeframe; one lifetime element without (or when LinkedIn ignored it). */
  elements: { timeRange?: { start: number; end: number }; totals: LinkedInShareStatistics }[];
  /** Whether the answer is bound to the requested timeframe (false: lifetime totals, e.g. the sandbox). */
  timeBound: boolean;
}

export interface LinkedInIdentity {
  /** OpenID Connect `sub`: the person id in `urn:li:person:{sub}`. */
  sub: string;
  personUrn: string;
  name?: string;
  email?: string;
}

/** `linkedin.organization.verify`: whether the token's member administers the organization. */
export interface LinkedInOrganizationVerification {
  organizationUrn: string;
  /** The token's member (from its role assignments); null when it holds none at all. */
  memberUrn: string | null;
  /** An APPROVED ADMINISTRATOR role on the organization. */
  verified: boolean;
  /** `ROLE:STATE` of every role the member holds on the organization. */
  roles: string[];
}

export interface LinkedInEmployeeQuery {
  /** Another member (`urn:li:person:…`): read from the organization's role list (its administrators only). Absent: the token's member. */
  memberUrn?: string;
  /** Only these roles count (absent: any). */
  roles?: readonly string[];
}

/** `linkedin.employee.verify`: whether a member holds an APPROVED page role on the organization. */
export interface LinkedInEmployeeVerification {
  organizationUrn: string;
  memberUrn: string | null;
  verified: boolean;
  approvedRoles: string[];
  /** `ROLE:STATE` of the counted roles not (yet) approved. */
  pendingRoles: string[];
}
