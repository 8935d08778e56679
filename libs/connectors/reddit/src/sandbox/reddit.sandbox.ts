/**
 * A fake Reddit API (facts in /work/shared/PROVIDERS.md): the app-only token endpoint of www.reddit.com and
 * the oauth.reddit.com API on one port, with bearer auth, a mandatory User-Agent, per-client X-Ratelimit-*
 * accounting and Listing envelopes paged by fullname.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { SandboxServer, type SandboxRequest, type SandboxResponse } from '@junction/connectors/sandbox-kit';
import { generateCorpus, type CorpusOptions } from './corpus';
import { FixedWindowCounter, rateLimitHeaders, type WindowState } from './fixed-window';
import {
  listing,
  pageByFullname,
  type CommentSeed,
  type Listing,
  type PostSeed,
  type RedditComment,
  type RedditMore,
  type RedditPost,
  type Thing,
} from './reddit-things';

export interface RedditSandboxOptions {
  /** client_id → secret (default { 'sandbox-client': 'sandbox-secret' }). */
  clients?: Record<string, string>;
  /** Requests per window per client id (default 100). */
  limit?: number;
  /** Fixed window length (default 60 s); Reddit itself averages over 10 minutes. */
  windowMs?: number;
  tokenTtlSeconds?: number;
  now?: () => Date;
  random?: () => number;
}

const error = (status: number, headers: Record<string, string> = {}): SandboxResponse => ({
  status,
  body: { message: STATUS_CODES[status] ?? 'Error', error: status },
  headers,
});

/** Reddit throttles library-default agents hard; a client must identify itself. */
const GENERIC_AGENT = /^(|undici|node|node-fetch|axios\/[\d.]+|python-requests\/[\d.]+|curl\/[\d.]+|Go-http-client\/[\d.]+|okhttp\/[\d.]+)$/i;

type TChild = Thing<'t1', RedditComment & { replies: Listing<TChild> | '' }> | Thing<'more', RedditMore>;

export class RedditSandbox extends SandboxServer {
  readonly window: FixedWindowCounter;
  /** Every token issued, for assertions (the endpoint's only side effect). */
  readonly tokensIssued: { at: Date; clientId: string }[] = [];

  private readonly clients: Record<string, string>;
  private readonly tokenTtlSeconds: number;
  private readonly now: () => Date;
  private readonly tokens = new Map<string, { clientId: string; expiresAt: number }>();
  private posts: RedditPost[] = [];
  private comments: RedditComment[] = [];
  private seq = 0;

  constructor(options: RedditSandboxOptions = {}) {
    super({ now: options.now, random: options.random });
    this.now = options.now ?? (() => new Date());
    this.clients = options.clients ?? { 'sandbox-client': 'sandbox-secret' };
    this.tokenTtlSeconds = options.tokenTtlSeconds ?? 86_400;
    this.window = new FixedWindowCounter(options.limit ?? 100, options.windowMs ?? 60_000, () => this.now().getTime());
  }

  override reset(): void {
    super.reset();
    this.window.clear();
    this.tokens.clear();
    this.tokensIssued.length = 0;
    this.posts = [];
    this.comments = [];
    this.seq = 0;
  }

  // ---- seeding and inspection (not HTTP) -------------------------------------------------------------

  /** Posts in `subreddit`, each newer than the last ("Post 1", "Post 2", …, or explicit seeds). */
  seedPosts(subreddit: string, seeds: number | PostSeed[]): RedditPost[] {
    const list: PostSeed[] = typeof seeds === 'number' ? Array.from({ length: seeds }, () => ({})) : seeds;
    return list.map((seed) => {
      const id = this.nextId();
      const title = seed.title ?? `Post ${this.posts.filter((p) => p.subreddit === subreddit).length + 1}`;
      const permalink = `/r/${subreddit}/comments/${id}/${title.toLowerCase().replace(/[^a-z0-9]+/g, '_').slice(0, 50)}/`;
      const score = seed.score ?? 1;
      const post: RedditPost = {
        id,
        name: `t3_${id}`,
        title,
        selftext: seed.url ? '' : (seed.selftext ?? ''),
        author: seed.author ?? 'sandbox_user',
        subreddit,
        subreddit_name_prefixed: `r/${subreddit}`,
        created_utc: seed.created_utc ?? this.createdUtc(),
        permalink,
        url: seed.url ?? `https://www.reddit.com${permalink}`,
        domain: seed.url ? new URL(seed.url).hostname.replace(/^www\./, '') : `self.${subreddit}`,
        is_self: seed.url === undefined,
        score,
        ups: Math.max(score, 0),
        upvote_ratio: score > 0 ? 0.9 : 0.4,
        num_comments: 0,
      };
      this.posts.push(post);
      return { ...post };
    });
  }

  seedComments(postId: string, seeds: number | CommentSeed[]): RedditComment[] {
    const post = this.posts.find((p) => p.id === postId);
    if (!post) throw new Error(`no post ${postId}`);
    const list: CommentSeed[] = typeof seeds === 'number' ? Array.from({ length: seeds }, () => ({})) : seeds;
    return list.map((seed, i) => {
      const id = this.nextId();
      const parentId = seed.parent_id ?? post.name;
      const parent = this.comments.find((c) => c.name === parentId);
      if (parentId !== post.name && !parent) throw new Error(`no comment ${parentId} under ${post.name}`);
      const comment: RedditComment = {
        id,
        name: `t1_${id}`,
        parent_id: parentId,
        link_id: post.name,
        body: seed.body ?? `Comment ${i + 1}`,
        author: seed.author ?? 'sandbox_commenter',
        subreddit: post.subreddit,
        created_utc: seed.created_utc ?? this.createdUtc(),
        score: seed.score ?? 1,
        permalink: `${post.permalink}${id}/`,
        depth: parent ? parent.depth + 1 : 0,
      };
      this.comments.push(comment);
      post.num_comments += 1;
      return { ...comment };
    });
  }

  /**
   * A realistic community (see corpus.ts): authors with a long tail, self and link posts, a daily rhythm, skewed
   * scores, threaded comments with mixed sentiment. Deterministic for a given `seed` and `now`.
   */
  seedCorpus(subreddit: string, options: CorpusOptions = {}): RedditPost[] {
    const corpus = generateCorpus(subreddit, { now: this.now(), ...options });
    return corpus.map(({ post, comments }) => {
      const [created] = this.seedPosts(subreddit, [post]);
      const names: string[] = [];
      for (const c of comments) {
        const [saved] = this.seedComments(created!.id, [{ body: c.body, author: c.author, score: c.score, created_utc: c.created_utc, parent_id: c.replyTo === undefined ? undefined : names[c.replyTo] }]);
        names.push(saved!.name);
      }
      return { ...this.posts.find((p) => p.id === created!.id)! };
    });
  }

  // ---- HTTP ------------------------------------------------------------------------------------------

  protected handle(request: SandboxRequest): SandboxResponse {
    const path = request.url.pathname.replace(/\.json$/, '').replace(/\/+$/, '') || '/';
    if (path === '/api/v1/access_token') return request.method === 'POST' ? this.issueToken(request) : error(405);

    const agent = request.headers['user-agent'];
    if (typeof agent !== 'string' || GENERIC_AGENT.test(agent.trim())) return error(429);

    const [scheme, token] = (request.headers.authorization ?? '').split(' ');
    const session = scheme?.toLowerCase() === 'bearer' && token ? this.tokens.get(token) : undefined;
    if (!session || session.expiresAt <= this.now().getTime()) return error(401, { 'www-authenticate': 'Bearer realm="reddit", error="invalid_token"' });

    const { allowed, state } = this.window.take(session.clientId);
    const headers = rateLimitHeaders(state);
    if (!allowed) return error(429, headers);
    const response = request.method === 'GET' ? this.route(path, request.url.searchParams) : error(405);
    response.headers = { ...response.headers, ...headers };
    return response;
  }

  protected override faultResponse(status: number, retryAfter?: string): SandboxResponse {
    return error(status, retryAfter === undefined ? {} : { 'retry-after': retryAfter });
  }

  /** Usage of a client id's current window, for assertions. */
  rateLimitFor(clientId: string): WindowState {
    return this.window.state(clientId);
  }

  private issueToken(request: SandboxRequest): SandboxResponse {
    const [scheme, encoded] = (request.headers.authorization ?? '').split(' ');
    const decoded = scheme?.toLowerCase() === 'basic' && encoded ? Buffer.from(encoded, 'base64').toString('utf8') : '';
    const sep = decoded.indexOf(':');
    const clientId = decoded.slice(0, sep);
    const secret = this.clients[clientId];
    if (sep < 0 || secret === undefined || !safeEqual(decoded.slice(sep + 1), secret)) return error(401);
    // Reddit answers an unknown grant with 200 and an error field, not a 4xx.
    const form = new URLSearchParams(request.body);
    if (form.get('grant_type') !== 'client_credentials') return { status: 200, body: { error: 'unsupported_grant_type' } };

    const accessToken = `sandbox-${randomBytes(16).toString('hex')}`;
    this.tokens.set(accessToken, { clientId, expiresAt: this.now().getTime() + this.tokenTtlSeconds * 1000 });
    this.tokensIssued.push({ at: this.now(), clientId });
    return { status: 200, body: { access_token: accessToken, token_type: 'bearer', expires_in: this.tokenTtlSeconds, scope: '*' } };
  }

  private route(path: string, params: URLSearchParams): SandboxResponse {
    const limit = Math.min(100, Math.max(1, Number.parseInt(params.get('limit') ?? '25', 10) || 25));
    const cursor = { after: params.get('after'), before: params.get('before') };
    const t = params.get('t') ?? 'day';
    let m = /^\/r\/([^/]+)(?:\/(new|hot|top))?$/.exec(path);
    if (m) {
      const sub = m[1]!.toLowerCase();
      const all = this.posts.filter((p) => p.subreddit.toLowerCase() === sub);
      if (all.length === 0) return error(404);
      const sort = m[2] ?? 'hot';
      const rows = sort === 'new' ? this.newest(all) : sort === 'hot' ? this.hottest(all) : this.topmost(this.within(all, t));
      return this.postListing(rows, limit, cursor);
    }
    m = /^(?:\/r\/([^/]+))?\/search$/.exec(path);
    if (m) {
      const q = (params.get('q') ?? '').toLowerCase();
      const sub = m[1]?.toLowerCase();
      const restrict = sub !== undefined && ['1', 'true', 'on'].includes(params.get('restrict_sr') ?? '');
      const matching = this.within(
        this.posts.filter((p) => (!restrict || p.subreddit.toLowerCase() === sub) && q !== '' && `${p.title}\n${p.selftext}`.toLowerCase().includes(q)),
        params.get('t') ?? 'all',
      );
      const sort = params.get('sort') ?? 'relevance';
      const rows =
        sort === 'top' ? this.topmost(matching)
        : sort === 'hot' ? this.hottest(matching)
        : sort === 'comments' ? [...matching].sort((a, b) => b.num_comments - a.num_comments || b.created_utc - a.created_utc)
        : this.newest(matching); // new, and relevance (not modelled: newest first)
      return this.postListing(rows, limit, cursor);
    }
    m = /^(?:\/r\/([^/]+))?\/comments\/([a-z0-9]+)(?:\/[^/]*)?$/.exec(path);
    if (m) {
      const post = this.posts.find((p) => p.id === m![2] && (m![1] === undefined || p.subreddit.toLowerCase() === m![1].toLowerCase()));
      if (!post) return error(404);
      // Reddit: `limit` = comments in the tree (the rest behind `more` stubs), `depth` = levels of replies.
      const commentLimit = Math.min(500, Math.max(1, Number.parseInt(params.get('limit') ?? '200', 10) || 200));
      const depth = Math.max(1, Number.parseInt(params.get('depth') ?? '10', 10) || 10);
      return { status: 200, body: [listing([{ kind: 't3', data: { ...post } }], null, null, 1), this.commentTree(post.name, 0, { left: commentLimit }, depth)] };
    }
    return error(404);
  }

  private postListing(rows: RedditPost[], limit: number, cursor: { after: string | null; before: string | null }): SandboxResponse {
    const page = pageByFullname(rows, limit, cursor);
    return { status: 200, body: listing(page.items.map((p) => ({ kind: 't3', data: { ...p } })), page.after, page.before) };
  }

  /**
   * Comments oldest first, replies nested, at most `budget.left` comments in the whole tree: the siblings past it
   * become one `more` stub (count = them and their replies); a reply level at `maxDepth` becomes a
   * "continue this thread" stub (`count: 0`, `id: "_"`), as Reddit sends them.
   */
  private commentTree(parent: string, depth: number, budget: { left: number }, maxDepth: number): Listing<TChild> {
    const children = this.comments.filter((c) => c.parent_id === parent);
    const things: TChild[] = [];
    for (const [i, c] of children.entries()) {
      if (budget.left <= 0) {
        const rest = children.slice(i);
        const count = rest.reduce((n, r) => n + 1 + this.descendants(r.name), 0);
        things.push({ kind: 'more', data: { count, name: rest[0]!.name, id: rest[0]!.id, parent_id: parent, depth, children: rest.map((r) => r.id) } });
        break;
      }
      budget.left -= 1;
      const hasReplies = this.comments.some((r) => r.parent_id === c.name);
      let replies: Listing<TChild> | '' = '';
      if (hasReplies && depth + 1 >= maxDepth) {
        replies = listing<TChild>([{ kind: 'more', data: { count: 0, name: 't1__', id: '_', parent_id: c.name, depth: depth + 1, children: [] } }], null, null, null);
      } else if (hasReplies) {
        const sub = this.commentTree(c.name, depth + 1, budget, maxDepth);
        replies = sub.data.children.length > 0 ? sub : '';
      }
      things.push({ kind: 't1', data: { ...c, replies } });
    }
    return listing(things, null, null, depth === 0 ? things.length : null);
  }

  private descendants(name: string): number {
    return this.comments.filter((c) => c.parent_id === name).reduce((n, c) => n + 1 + this.descendants(c.name), 0);
  }

  /** Reddit's hot rank: log10 of the score plus creation time in 12.5-hour units. */
  private hottest(rows: RedditPost[]): RedditPost[] {
    const hot = (p: RedditPost) => Math.sign(p.score) * Math.log10(Math.max(Math.abs(p.score), 1)) + (p.created_utc - 1_134_028_003) / 45_000;
    return [...rows].sort((a, b) => hot(b) - hot(a) || b.id.localeCompare(a.id));
  }

  private topmost(rows: RedditPost[]): RedditPost[] {
    return [...rows].sort((a, b) => b.score - a.score || b.created_utc - a.created_utc);
  }

  /** Reddit's `t` for top and search: posts created within the last hour … year, or all. */
  private within(rows: RedditPost[], t: string): RedditPost[] {
    const seconds: Record<string, number> = { hour: 3_600, day: 86_400, week: 604_800, month: 2_592_000, year: 31_536_000 };
    const span = seconds[t];
    if (span === undefined) return rows;
    const since = this.now().getTime() / 1000 - span;
    return rows.filter((p) => p.created_utc >= since);
  }

  private newest(rows: RedditPost[]): RedditPost[] {
    return [...rows].sort((a, b) => b.created_utc - a.created_utc || b.id.localeCompare(a.id));
  }

  /** Base-36 ids, like Reddit's, increasing with creation. */
  private nextId(): string {
    this.seq += 1;
    return (46_656 * 36 + this.seq).toString(36);
  }

  /** Seconds, strictly increasing so "new" order is stable even when seeded in one millisecond. */
  private createdUtc(): number {
    return Math.floor(this.now().getTime() / 1000) + this.seq;
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
