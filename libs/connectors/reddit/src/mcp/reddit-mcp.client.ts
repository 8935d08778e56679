/**
 * RedditPort over a Reddit MCP server: each port method is one `tools/call` (one page: paging stays with the caller,
 * so the analyzer's shared 100/min quota counts the same calls either way). The MCP session is the caller's
 * (`callTool` is a plain function: reddit-analyzer passes a pooled McpClient's `callToolResult`).
 *
 * Results and failures come back exactly as RedditClient gives them: the same shapes, and IntegrationErrors with the
 * same classes, statuses, operation labels and retryAfterMs. The server's view of X-Ratelimit-* (`_meta.rateLimit`)
 * goes to `observeLimits`, as RedditClient reports the headers it reads.
 */
import { z } from 'zod';
import { callFailureError, isRecord, malformedToolResult, structuredOutput, toolResultError, withoutUndefined, type McpToolResult, type ProviderMcpFrame } from '@junction/mcp';
import type { SearchQuery, SubredditPostsQuery } from '../reddit.client';
import { PROVIDER } from '../reddit.errors';
import type { RedditPort } from '../reddit.port';
import type { RedditCallOptions, RedditCommentThread, RedditPage, RedditPostData } from '../reddit.types';
import { REDDIT_MCP_OUTPUTS as OUT, REDDIT_MCP_TOOLS, type RedditMcpToolMap } from './reddit-mcp.tools';

const FRAME: ProviderMcpFrame = { provider: PROVIDER, label: 'Reddit' };

/** One `tools/call` on the caller's MCP session; `options` carries the attempt's timeout, deadline and abort signal. */
export type RedditMcpCallTool = (name: string, args: Record<string, unknown>, options: RedditCallOptions) => Promise<McpToolResult>;

export interface RedditMcpClientOptions {
  callTool: RedditMcpCallTool;
  /** Tool names of this connection's server, where they differ from REDDIT_MCP_TOOLS. */
  tools?: Partial<RedditMcpToolMap>;
  now?: () => number;
}

type Method = keyof RedditPort;
const OUTPUTS = {
  subredditPostsPage: z.object(OUT.subredditPostsPage),
  searchPage: z.object(OUT.searchPage),
  postComments: z.object(OUT.postComments),
} satisfies Record<Method, z.ZodObject>;
type Output<K extends Method> = z.infer<(typeof OUTPUTS)[K]>;

/** The label RedditClient gives each method's failures. */
const OPERATIONS: Record<Method, string> = { subredditPostsPage: 'subredditPosts', searchPage: 'search', postComments: 'postComments' };

export class RedditMcpClient implements RedditPort {
  private readonly callTool: RedditMcpCallTool;
  private readonly tools: RedditMcpToolMap;
  private readonly now: () => number;

  constructor(options: RedditMcpClientOptions) {
    this.callTool = options.callTool;
    this.tools = { ...REDDIT_MCP_TOOLS, ...options.tools };
    this.now = options.now ?? Date.now;
  }

  async subredditPostsPage(
    subreddit: string,
    query: SubredditPostsQuery & { after?: string | null; limit?: number },
    options: RedditCallOptions = {},
  ): Promise<RedditPage<RedditPostData>> {
    const sort = query.sort ?? 'new';
    // Defaults sent explicitly (as RedditClient sends them), so a page does not depend on the server's.
    const args = withoutUndefined({ subreddit, sort, time: sort === 'top' ? (query.time ?? 'day') : undefined, limit: pageSize(query.limit), after: query.after ?? undefined });
    const { posts, after } = await this.call('subredditPostsPage', args, options);
    return { items: posts, after };
  }

  async searchPage(q: string, query: SearchQuery & { after?: string | null; limit?: number }, options: RedditCallOptions = {}): Promise<RedditPage<RedditPostData>> {
    const args = withoutUndefined({ query: q, subreddit: query.subreddit, sort: query.sort ?? 'relevance', time: query.time ?? 'all', limit: pageSize(query.limit), after: query.after ?? undefined });
    const { posts, after } = await this.call('searchPage', args, options);
    return { items: posts, after };
  }

  postComments(postId: string, query: { limit?: number; depth?: number } = {}, options: RedditCallOptions = {}): Promise<RedditCommentThread> {
    // RedditClient omits a 0 limit or depth (Reddit's defaults apply); so does this.
    return this.call('postComments', withoutUndefined({ post_id: postId, limit: query.limit || undefined, depth: query.depth || undefined }), options);
  }

  /** One tool call → its structured output, shape-checked; every failure (thrown or in-band) leaves as an IntegrationError. */
  private async call<K extends Method>(method: K, args: Record<string, unknown>, options: RedditCallOptions): Promise<Output<K>> {
    const tool = this.tools[method];
    const operation = OPERATIONS[method];
    let result: McpToolResult;
    try {
      result = await this.callTool(tool, args, options);
    } catch (error) {
      throw callFailureError(error, { ...FRAME, tool, operation });
    }
    if (!isRecord(result)) throw malformedToolResult(FRAME, operation);
    this.observe(result, options);
    if (result.isError === true) throw toolResultError(result, { ...FRAME, tool, operation });
    const parsed = OUTPUTS[method].safeParse(structuredOutput(result));
    if (!parsed.success) throw malformedToolResult(FRAME, operation);
    return parsed.data as Output<K>;
  }

  private observe(result: McpToolResult, options: RedditCallOptions): void {
    const limit = isRecord(result._meta) ? result._meta.rateLimit : undefined;
    if (!options.observeLimits || !isRecord(limit)) return;
    const { remaining, resetInMs } = limit;
    if (typeof remaining !== 'number' || !Number.isFinite(remaining) || remaining < 0) return;
    const resetAt = typeof resetInMs === 'number' && Number.isFinite(resetInMs) && resetInMs >= 0 ? this.now() + resetInMs : undefined;
    options.observeLimits({ remaining: Math.floor(remaining), resetAt });
  }
}

/** RedditClient's page size: 25 by default, at most 100. */
const pageSize = (limit: number | undefined): number => Math.min(100, limit ?? 25);
