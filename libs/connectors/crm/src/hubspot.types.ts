import type { Dispatcher } from 'undici';
import type { ProviderLimitObservation } from '@junction/resilience';

/**
 * Where the Bearer token comes from: a private-app token (a string), or an OAuth token source called per request.
 * After a 401 the client calls the source once more with the refused token as `rejected` and retries once
 * (the token manager refreshes unless another caller already has).
 */
export type HubSpotTokenSource = string | ((options?: { rejected?: string }) => Promise<string>);

export interface HubSpotClientOptions {
  /** https://api.hubapi.com, or a sandbox's URL. */
  baseUrl: string;
  token: HubSpotTokenSource;
  /** Upper bound on waiting for headers and on each gap in the body (default 10 s). */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
}

/**
 * Per call, from the resilience pipeline: spread `attempt.requestOptions`, and pass `attempt.observeLimits` so the
 * shared limiter learns what HubSpot says is left (X-HubSpot-RateLimit-Remaining / -Daily-Remaining).
 */
export interface HubSpotCallOptions {
  headersTimeout?: number;
  bodyTimeout?: number;
  signal?: AbortSignal;
  observeLimits?: (observation: ProviderLimitObservation) => void;
}

/** Property values as HubSpot returns them: strings (numbers and dates too) or null. */
export type HubSpotProperties = Record<string, string | null>;

export interface HubSpotObject {
  id: string;
  properties: HubSpotProperties;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
}

export interface HubSpotPipelineStage {
  id: string;
  label: string;
  displayOrder: number;
  /** `probability` is a decimal string ("0.2"); `isClosed` "true"/"false". */
  metadata: { isClosed?: string; probability?: string } & Record<string, string | undefined>;
}

export interface HubSpotPipeline {
  id: string;
  label: string;
  displayOrder: number;
  stages: HubSpotPipelineStage[];
}

export type HubSpotSearchOperator = 'EQ' | 'NEQ' | 'GT' | 'GTE' | 'LT' | 'LTE' | 'HAS_PROPERTY' | 'NOT_HAS_PROPERTY' | 'IN' | 'NOT_IN';

export interface HubSpotFilter {
  propertyName: string;
  operator: HubSpotSearchOperator;
  value?: string;
  values?: string[];
}

export interface HubSpotSearchRequest {
  /** Groups are ORed, the filters of a group ANDed (at most 5 groups, 6 filters each, 18 in all). */
  filterGroups?: { filters: HubSpotFilter[] }[];
  sorts?: { propertyName: string; direction: 'ASCENDING' | 'DESCENDING' }[];
  properties?: string[];
  /** Page size, at most 200. */
  limit?: number;
  /** The opaque cursor from the previous page's `paging.next.after`. */
  after?: string;
}

export interface HubSpotSearchPage {
  total: number;
  results: HubSpotObject[];
  /** The next page's cursor; undefined on the last page. */
  nextAfter?: string;
}

/** The lead fields we write; anything else is left to HubSpot's defaults. */
export interface HubSpotLeadInput {
  email: string;
  firstname?: string;
  lastname?: string;
  company?: string;
  phone?: string;
  jobtitle?: string;
  website?: string;
  hs_lead_status?: string;
}
