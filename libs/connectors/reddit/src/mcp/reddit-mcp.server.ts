/**
 * A Reddit MCP server: RedditPort (Reddit's API through RedditClient, so every failure is already classified and
 * redacted, and the client's token cache and X-Ratelimit pacing apply) as the spec's MCP tools, plus
 * analyze_sentiment (the analyzer's own AFINN scorer over what the other tools read). The sandbox peer of the MCP
 * adapter, and able to wrap Reddit itself: the server holds the app's client id and secret.
 *
 * One McpServer per MCP session: the SDK's server binds to exactly one transport. Build as many as needed over the
 * same port (one RedditClient: one token, one view of the rate limit).
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult, ToolAnnotations } from '@modelcontextprotocol/sdk/types.js';
import { IntegrationError } from '@junction/resilience';
import { analyzeSentiment, type SentimentInput } from '../analysis/reddit-sentiment';
import { collectPages } from '../reddit.client';
import { PROVIDER } from '../reddit.errors';
import type { RedditPort } from '../reddit.port';
import type { RedditCallOptions, RedditPostData, RedditRateLimitState } from '../reddit.types';
import {
  REDDIT_MCP_INPUTS as IN,
  REDDIT_MCP_OUTPUTS as OUT,
  REDDIT_MCP_SERVER_TOOLS,
  type RedditMcpErrorMeta,
  type RedditMcpInput,
  type RedditMcpRateLimitMeta,
  type RedditMcpServerToolMap,
} from './reddit-mcp.tools';

export interface RedditMcpServerOptions {
  /** Tool names other than the defaults (REDDIT_MCP_SERVER_TOOLS). */
  tools?: Partial<RedditMcpServerToolMap>;
  /** X-Ratelimit-* as the wrapped client last saw them (RedditClient.rateLimit), reported in each result's `_meta`. */
  rateLimit?: () => RedditRateLimitState | undefined;
  name?: string;
  version?: string;
  now?: () => number;
}

/** Reads of a public, changing site: repeating one has no effect, though the answer may differ. */
const READ: ToolAnnotations = { readOnlyHint: true, idempotentHint: true, openWorldHint: true };

/** What analyze_sentiment scores by default: one page. */
const DEFAULT_ANALYZED = 100;

type Meta = Record<string, unknown>;

function success(structured: object, meta: Meta): CallToolResult {
  return { structuredContent: structured as Record<string, unknown>, content: [{ type: 'text', text: JSON.stringify(structured) }], ...(Object.keys(meta).length > 0 ? { _meta: meta } : {}) };
}

/** The failure as a tool result, classified in `_meta`; only an IntegrationError's (redacted) message leaves. */
function failure(tool: string, error: unknown, meta: Meta): CallToolResult {
  const classified: RedditMcpErrorMeta =
    error instanceof IntegrationError
      ? { httpStatus: error.status, errorClass: error.errorClass, ...(error.retryAfterMs !== undefined ? { retryAfterMs: error.retryAfterMs } : {}) }
      : { errorClass: 'client' };
  const text = error instanceof IntegrationError ? error.message : `Reddit MCP tool ${tool} failed unexpectedly`;
  return { isError: true, content: [{ type: 'text', text }], _meta: { ...meta, ...classified } };
}

/** `analyze_sentiment`'s one source, or a validation error naming the arguments. */
function sourceOf(a: RedditMcpInput<'analyzeSentiment'>): { kind: 'subreddit' | 'search' | 'post-comments'; subreddit: string | null; query: string | null; postId: string | null } {
  if (a.post_id && (a.query || a.subreddit)) throw new IntegrationError('validation', 'analyze_sentiment: give post_id alone, or query (and optionally subreddit), or subreddit', { provider: PROVIDER, operation: 'analyzeSentiment' });
  if (a.post_id) return { kind: 'post-comments', subreddit: null, query: null, postId: a.post_id.replace(/^t3_/, '') };
  if (a.query) return { kind: 'search', subreddit: a.subreddit ?? null, query: a.query, postId: null };
  if (a.subreddit) return { kind: 'subreddit', subreddit: a.subreddit, query: null, postId: null };
  throw new IntegrationError('validation', 'analyze_sentiment: one of subreddit, query or post_id is required', { provider: PROVIDER, operation: 'analyzeSentiment' });
}

/** A post as reddit-analyzer scores it: the title, and the self text when there is one. */
const postText = (p: RedditPostData): SentimentInput => ({ fullname: p.fullname, kind: 'post', text: p.selftext ? `${p.title}\n${p.selftext}` : p.title });

export function createRedditMcpServer(reddit: RedditPort, options: RedditMcpServerOptions = {}): McpServer {
  const t = { ...REDDIT_MCP_SERVER_TOOLS, ...options.tools };
  const now = options.now ?? Date.now;
  const server = new McpServer({ name: options.name ?? 'reddit-mcp', version: options.version ?? '0.1.0' }, { capabilities: { tools: {} } });

  const limits = (): Meta => {
    const state = options.rateLimit?.();
    if (!state) return {};
    const rateLimit: RedditMcpRateLimitMeta = { remaining: state.remaining, resetInMs: Math.max(0, state.resetAt - now()) };
    return { rateLimit };
  };
  const run = async (tool: string, call: () => Promise<object>): Promise<CallToolResult> => {
    try {
      const out = await call();
      return success(out, limits());
    } catch (error) {
      return failure(tool, error, limits());
    }
  };
  /** The request's cancellation reaches Reddit: a client that gave up does not leave the call running. */
  const callOptions = (extra: { signal: AbortSignal }): RedditCallOptions => ({ signal: extra.signal });

  server.registerTool(
    t.subredditPostsPage,
    { title: 'Subreddit posts', description: "One page of a subreddit's posts (new, hot or top); page on with `after`.", inputSchema: IN.subredditPostsPage, outputSchema: OUT.subredditPostsPage, annotations: READ },
    (a, extra) =>
      run(t.subredditPostsPage, async () => {
        const { items, after } = await reddit.subredditPostsPage(a.subreddit, { sort: a.sort, time: a.time, after: a.after, limit: a.limit }, callOptions(extra));
        return { posts: items, after };
      }),
  );
  server.registerTool(
    t.searchPage,
    { title: 'Search posts', description: 'One page of posts matching a query, site-wide or within one subreddit; page on with `after`.', inputSchema: IN.searchPage, outputSchema: OUT.searchPage, annotations: READ },
    (a, extra) =>
      run(t.searchPage, async () => {
        const { items, after } = await reddit.searchPage(a.query, { subreddit: a.subreddit, sort: a.sort, time: a.time, after: a.after, limit: a.limit }, callOptions(extra));
        return { posts: items, after };
      }),
  );
  server.registerTool(
    t.postComments,
    {
      title: 'Post comments',
      description: 'A post and its comment tree, flattened depth first (each comment with its depth and parent); `more` counts what Reddit left behind stubs.',
      inputSchema: IN.postComments,
      outputSchema: OUT.postComments,
      annotations: READ,
    },
    (a, extra) => run(t.postComments, () => reddit.postComments(a.post_id, { limit: a.limit, depth: a.depth }, callOptions(extra))),
  );
  server.registerTool(
    t.analyzeSentiment,
    {
      title: 'Analyze sentiment',
      description:
        "AFINN-165 sentiment of a subreddit's posts, a search's posts, or a post's comments: each item's score, comparative (per token) and label, and the aggregate (shares, mean, median, net).",
      inputSchema: IN.analyzeSentiment,
      outputSchema: OUT.analyzeSentiment,
      annotations: READ,
    },
    (a, extra) =>
      run(t.analyzeSentiment, async () => {
        const source = sourceOf(a);
        const limit = a.limit ?? DEFAULT_ANALYZED;
        const options = callOptions(extra);
        let inputs: SentimentInput[];
        if (source.kind === 'post-comments') {
          const thread = await reddit.postComments(source.postId!, { limit }, options);
          inputs = thread.comments.map((c) => ({ fullname: c.fullname, kind: 'comment', text: c.body }));
        } else if (source.kind === 'search') {
          const { items } = await collectPages(limit, (after, pageLimit) => reddit.searchPage(source.query!, { subreddit: source.subreddit ?? undefined, sort: 'new', time: a.time ?? 'all', after, limit: pageLimit }, options));
          inputs = items.map(postText);
        } else {
          const { items } = await collectPages(limit, (after, pageLimit) => reddit.subredditPostsPage(source.subreddit!, { sort: a.sort ?? 'new', time: a.time, after, limit: pageLimit }, options));
          inputs = items.map(postText);
        }
        return { source, ...analyzeSentiment(inputs) };
      }),
  );
  return server;
}
