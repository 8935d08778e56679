import type { Dispatcher } from 'undici';
import type { ProviderLimitObservation } from '@junction/resilience';

export interface RedditClientOptions {
  /** www.reddit.com (token endpoint). */
  authBaseUrl: string;
  /** oauth.reddit.com (the API). */
  apiBaseUrl: string;
  clientId: string;
  clientSecret: string;
  /** Mandatory and unique (`<platform>:<app id>:<version> (by /u/<name>)`): Reddit throttles generic agents hard. */
  userAgent: string;
  /** Bounds each request (default 10 s); the pipeline's per-attempt limit can only make it shorter. */
  timeoutMs?: number;
  dispatcher?: Dispatcher;
  /** Tests move time. */
  now?: () => number;
  /** A token is refreshed this long before `expires_in` says it lapses (default 60 s, at most a tenth of its life). */
  tokenRefreshMarginMs?: number;
}

/** Per call, from the resilience pipeline (`attempt.requestOptions` + `attempt.observeLimits`). */
export interface RedditCallOptions {
  headersTimeout?: number;
  bodyTimeout?: number;
  signal?: AbortSignal;
  /** Absolute deadline (epoch ms): the client waits for a rate-limit reset only when it comes before. */
  deadline?: number;
  /** Receives X-Ratelimit-* as an observation for the shared limiter (PipelineAttempt.observeLimits). */
  observeLimits?: (observation: ProviderLimitObservation) => void;
}

export type RedditListingSort = 'new' | 'hot' | 'top';
export type RedditSearchSort = 'relevance' | 'hot' | 'top' | 'new' | 'comments';
export type RedditTimeFilter = 'hour' | 'day' | 'week' | 'month' | 'year' | 'all';

export interface RedditPostData {
  id: string;
  /** `t3_<id>` */
  fullname: string;
  subreddit: string;
  title: string;
  selftext: string;
  author: string;
  /** Seconds since the epoch. */
  createdUtc: number;
  score: number;
  numComments: number;
  permalink: string;
  url: string;
  domain: string;
  isSelf: boolean;
}

export interface RedditCommentData {
  id: string;
  /** `t1_<id>` */
  fullname: string;
  /** The fullname of the parent: the post (`t3_…`) for a top-level comment, else a comment (`t1_…`). */
  parentId: string;
  /** 0 = top level. */
  depth: number;
  author: string;
  body: string;
  score: number;
  createdUtc: number;
  permalink: string;
}

export interface RedditPage<T> {
  items: T[];
  /** The fullname to pass as `after` for the next page; null at the end. */
  after: string | null;
}

export interface RedditCommentThread {
  post: RedditPostData;
  /** The tree, flattened depth first (a comment before its replies), each with its depth and parent. */
  comments: RedditCommentData[];
  more: {
    /** `more` stubs in the tree. */
    stubs: number;
    /** Comments behind them (Reddit's counts; "continue this thread" stubs count 0). */
    count: number;
    /** Stubs cut by `depth` ("continue this thread"). */
    continueThread: number;
  };
  maxDepth: number;
}

/** X-Ratelimit-* as last seen by this client. */
export interface RedditRateLimitState {
  used: number | undefined;
  remaining: number;
  /** Epoch ms. */
  resetAt: number;
}
