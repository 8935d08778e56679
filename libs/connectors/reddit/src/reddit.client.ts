/**
 * Reddit's API for an application-only (client credentials) OAuth app, over undici. Every failure leaves as a
 * classified IntegrationError; retries and breakers are the resilience pipeline's job. What this client owns:
 * - the token: fetched with Basic client_id:secret, cached until shortly before `expires_in`, one request in flight
 *   per client however many calls need it; a 401 drops it, fetches once more and retries the call once;
 * - the User-Agent, on every request (Reddit throttles generic agents);
 * - pacing from X-Ratelimit-*: once Remaining reaches 0 the next call waits for Reset when that fits the call's
 *   budget, else fails at once with `rate_limit` and `retryAfterMs` (no request is spent on a certain 429).
 */
import { request } from 'undici';
import { IntegrationError, limitObservationFromHeaders, sleep } from '@junction/resilience';
import { malformed, PROVIDER, Redactor, redditHttpError, redditTransportError } from './reddit.errors';
import { toCommentThread, toPostPage } from './reddit.mapper';
import type { RedditPort } from './reddit.port';
import type {
  RedditCallOptions,
  RedditClientOptions,
  RedditCommentThread,
  RedditListingSort,
  RedditPage,
  RedditPostData,
  RedditRateLimitState,
  RedditSearchSort,
  RedditTimeFilter,
} from './reddit.types';

const DEFAULT_TIMEOUT_MS = 10_000;
/** Reddit's cap on `limit` for listings. */
export const REDDIT_PAGE_SIZE = 100;

type Headers = Record<string, string | string[] | undefined>;
interface Response {
  status: number;
  headers: Headers;
  text: string;
}

const first = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

/** What `collectPages` read: the items, the cursor to go on from (null at the end), whether `until` stopped it. */
export interface CollectedPages<T> extends RedditPage<T> {
  stopped: boolean;
}

/**
 * Reads pages with `after` until `limit` items, the end, or the first item `until` accepts (left out: a monitor's
 * "already seen"). Each page asks for what is still missing (≤ 100). Items seen twice (a listing shifts while it is
 * paged) are kept once; a cursor that does not move ends the walk.
 */
export async function collectPages<T extends { fullname: string }>(
  limit: number,
  fetchPage: (after: string | null, pageLimit: number) => Promise<RedditPage<T>>,
  until?: (item: T) => boolean,
): Promise<CollectedPages<T>> {
  const items: T[] = [];
  const seen = new Set<string>();
  let after: string | null = null;
  do {
    const page: RedditPage<T> = await fetchPage(after, Math.min(REDDIT_PAGE_SIZE, limit - items.length));
    for (const item of page.items) {
      if (until?.(item)) return { items, after: null, stopped: true };
      if (seen.has(item.fullname) || items.length >= limit) continue;
      seen.add(item.fullname);
      items.push(item);
    }
    if (page.after === after || page.items.length === 0) return { items, after: null, stopped: false };
    after = page.after;
  } while (after !== null && items.length < limit);
  return { items, after, stopped: false };
}

export interface SubredditPostsQuery {
  sort?: RedditListingSort;
  /** Reddit's `t`, for `top`. */
  time?: RedditTimeFilter;
}

export interface SearchQuery {
  /** Restrict to one subreddit (`restrict_sr=1`). */
  subreddit?: string;
  sort?: RedditSearchSort;
  time?: RedditTimeFilter;
}

export class RedditClient implements RedditPort {
  private readonly authBaseUrl: string;
  private readonly apiBaseUrl: string;
  private readonly basic: string;
  private readonly userAgent: string;
  private readonly timeoutMs: number;
  private readonly now: () => number;
  private readonly refreshMarginMs: number;
  private readonly redactor: Redactor;
  private token?: { value: string; refreshAt: number };
  private tokenInFlight?: Promise<string>;
  private limits?: RedditRateLimitState;

  constructor(private readonly options: RedditClientOptions) {
    if (options.userAgent.trim().length < 3) throw new IntegrationError('auth', 'Reddit requires a unique User-Agent', { provider: PROVIDER, operation: 'configure' });
    this.authBaseUrl = options.authBaseUrl.replace(/\/+$/, '');
    this.apiBaseUrl = options.apiBaseUrl.replace(/\/+$/, '');
    this.basic = `Basic ${Buffer.from(`${options.clientId}:${options.clientSecret}`).toString('base64')}`;
    this.userAgent = options.userAgent;
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.now = options.now ?? Date.now;
    this.refreshMarginMs = options.tokenRefreshMarginMs ?? 60_000;
    this.redactor = new Redactor(options.clientSecret, this.basic.slice('Basic '.length));
  }

  /** X-Ratelimit-* as last reported, for metrics and tests. */
  get rateLimit(): RedditRateLimitState | undefined {
    return this.limits ? { ...this.limits } : undefined;
  }

  /** One page of a subreddit's listing (`/r/{sub}/{new|hot|top}`). */
  async subredditPostsPage(subreddit: string, query: SubredditPostsQuery & { after?: string | null; limit?: number }, options: RedditCallOptions = {}): Promise<RedditPage<RedditPostData>> {
    const sort = query.sort ?? 'new';
    const body = await this.api('subredditPosts', `/r/${encodeURIComponent(subreddit)}/${sort}`, {
      limit: String(Math.min(REDDIT_PAGE_SIZE, query.limit ?? 25)),
      ...(query.after ? { after: query.after } : {}),
      ...(sort === 'top' ? { t: query.time ?? 'day' } : {}),
    }, options);
    return toPostPage(body, 'subredditPosts');
  }

  /** Up to `limit` posts, paged with `after`. Each page is its own request: inside a pipeline prefer paging per call. */
  async subredditPosts(subreddit: string, query: SubredditPostsQuery & { limit: number }, options: RedditCallOptions = {}): Promise<CollectedPages<RedditPostData>> {
    return collectPages(query.limit, (after, limit) => this.subredditPostsPage(subreddit, { ...query, after, limit }, options));
  }

  /** One page of search results (posts). */
  async searchPage(q: string, query: SearchQuery & { after?: string | null; limit?: number }, options: RedditCallOptions = {}): Promise<RedditPage<RedditPostData>> {
    const path = query.subreddit ? `/r/${encodeURIComponent(query.subreddit)}/search` : '/search';
    const body = await this.api('search', path, {
      q,
      type: 'link',
      sort: query.sort ?? 'relevance',
      t: query.time ?? 'all',
      limit: String(Math.min(REDDIT_PAGE_SIZE, query.limit ?? 25)),
      ...(query.subreddit ? { restrict_sr: '1' } : {}),
      ...(query.after ? { after: query.after } : {}),
    }, options);
    return toPostPage(body, 'search');
  }

  async search(q: string, query: SearchQuery & { limit: number }, options: RedditCallOptions = {}): Promise<CollectedPages<RedditPostData>> {
    return collectPages(query.limit, (after, limit) => this.searchPage(q, { ...query, after, limit }, options));
  }

  /** A post and its comment tree, flattened (`limit`: comments Reddit returns, the rest as counted `more` stubs). */
  async postComments(postId: string, query: { limit?: number; depth?: number } = {}, options: RedditCallOptions = {}): Promise<RedditCommentThread> {
    const id = postId.replace(/^t3_/, '');
    const body = await this.api('postComments', `/comments/${encodeURIComponent(id)}`, {
      ...(query.limit ? { limit: String(query.limit) } : {}),
      ...(query.depth ? { depth: String(query.depth) } : {}),
    }, options);
    return toCommentThread(body, 'postComments');
  }

  // ---- plumbing -------------------------------------------------------------------------------------

  private async api(operation: string, path: string, query: Record<string, string>, options: RedditCallOptions, retried = false): Promise<unknown> {
    const waited = await this.pace(operation, options);
    const token = await this.accessToken();
    const url = new URL(`${this.apiBaseUrl}${path}`);
    // raw_json=1: Reddit otherwise HTML-escapes &, < and > in text fields.
    for (const [k, v] of Object.entries({ raw_json: '1', ...query })) url.searchParams.set(k, v);
    const res = await this.send(operation, url, { method: 'GET', headers: { authorization: `bearer ${token}` } }, options, waited);
    const resetMs = this.observe(res.headers, options);
    if (res.status === 401 && !retried) {
      // Expired or revoked early: one fresh token and one more try; a second 401 is a real auth failure.
      if (this.token?.value === token) this.token = undefined;
      return this.api(operation, path, query, options, true);
    }
    if (res.status < 200 || res.status >= 300) throw redditHttpError(operation, res.status, res.headers, res.text, this.redactor, resetMs);
    try {
      return JSON.parse(res.text) as unknown;
    } catch {
      throw malformed(operation, res.status);
    }
  }

  /** Waits out an exhausted window when the reset fits the call's budget; returns the time waited. */
  private async pace(operation: string, options: RedditCallOptions): Promise<number> {
    const limits = this.limits;
    const now = this.now();
    if (!limits || limits.remaining >= 1 || now >= limits.resetAt) return 0;
    const wait = limits.resetAt - now;
    const budget = Math.min(options.deadline === undefined ? Infinity : options.deadline - now, options.headersTimeout ?? this.timeoutMs);
    // Keep at least half the budget (up to 1 s) for the request itself.
    if (wait > budget - Math.min(1_000, budget / 2)) {
      throw new IntegrationError('rate_limit', `Reddit rate limit exhausted for this client; the window resets in ${Math.ceil(wait / 1000)} s`, {
        provider: PROVIDER,
        operation,
        retryAfterMs: wait,
      });
    }
    await sleep(wait, options.signal);
    return wait;
  }

  /** Records X-Ratelimit-* (and reports them to the shared limiter); returns ms until the reset, if given. */
  private observe(headers: Headers, options: RedditCallOptions): number | undefined {
    const remaining = Number(first(headers['x-ratelimit-remaining']));
    const reset = Number(first(headers['x-ratelimit-reset']));
    if (first(headers['x-ratelimit-remaining']) === undefined || !Number.isFinite(remaining) || !Number.isFinite(reset)) return undefined;
    const used = Number(first(headers['x-ratelimit-used']));
    this.limits = { used: Number.isFinite(used) ? used : undefined, remaining, resetAt: this.now() + reset * 1000 };
    const observation = limitObservationFromHeaders(headers, this.now());
    if (observation && options.observeLimits) options.observeLimits(observation);
    return reset * 1000;
  }

  /** The cached token, or one fetch shared by every caller that needs it now. */
  private accessToken(): Promise<string> {
    if (this.token && this.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    this.tokenInFlight ??= this.fetchToken().finally(() => {
      this.tokenInFlight = undefined;
    });
    return this.tokenInFlight;
  }

  private async fetchToken(): Promise<string> {
    const operation = 'accessToken';
    // Not bound to one caller's signal: other calls wait on the same request.
    const res = await this.send(operation, new URL(`${this.authBaseUrl}/api/v1/access_token`), {
      method: 'POST',
      headers: { authorization: this.basic, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
    }, {}, 0);
    if (res.status < 200 || res.status >= 300) throw redditHttpError(operation, res.status, res.headers, res.text, this.redactor);
    let body: { access_token?: unknown; expires_in?: unknown; error?: unknown };
    try {
      body = JSON.parse(res.text) as typeof body;
    } catch {
      throw malformed(operation, res.status);
    }
    // Reddit answers some token errors with 200 and an `error` field.
    if (typeof body.error === 'string') {
      const errorClass = body.error === 'invalid_client' || body.error === 'unauthorized_client' ? 'auth' : 'client';
      throw new IntegrationError(errorClass, `Reddit ${operation} failed: ${body.error.slice(0, 60).replace(/[^\w.-]/g, '')}`, { provider: PROVIDER, operation, status: res.status });
    }
    if (typeof body.access_token !== 'string' || body.access_token === '') throw malformed(operation, res.status);
    const ttlMs = (typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 3_600) * 1000;
    this.redactor.add(body.access_token);
    this.token = { value: body.access_token, refreshAt: this.now() + ttlMs - Math.min(this.refreshMarginMs, ttlMs / 10) };
    return body.access_token;
  }

  private async send(
    operation: string,
    url: URL,
    init: { method: 'GET' | 'POST'; headers: Record<string, string>; body?: string },
    options: RedditCallOptions,
    waitedMs: number,
  ): Promise<Response> {
    const limit = Math.max(1, Math.min((options.headersTimeout ?? this.timeoutMs) - waitedMs, this.timeoutMs));
    try {
      const res = await request(url, {
        method: init.method,
        headers: { ...init.headers, 'user-agent': this.userAgent, accept: 'application/json' },
        body: init.body,
        dispatcher: this.options.dispatcher,
        headersTimeout: limit,
        bodyTimeout: Math.min(options.bodyTimeout ?? this.timeoutMs, this.timeoutMs),
        signal: options.signal,
      });
      return { status: res.statusCode, headers: res.headers, text: await res.body.text() };
    } catch (error) {
      throw redditTransportError(operation, error, limit, this.redactor);
    }
  }
}
