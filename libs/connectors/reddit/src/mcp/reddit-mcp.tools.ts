/**
 * The contract a Reddit MCP server and Junction's MCP adapter share: the tool each RedditPort method maps to, the
 * tools' arguments (flat, snake_case, Reddit's query parameters where it has them) and their structured results
 * (Junction's normalized posts and comments, the port's own result types, so the adapter only checks their shape).
 *
 * Tool names follow the integration spec. analyze_sentiment is served for other MCP clients (an agent): the adapter
 * never calls it, because reddit-analyzer scores what it fetched itself (see the README's "Provider adapters over
 * MCP"). Renaming a default breaks every connection relying on it.
 */
import { z } from 'zod';
import type { ProviderMcpErrorMeta } from '@junction/mcp';
import type { RedditPort } from '../reddit.port';

/** Port method → tool name. */
export const REDDIT_MCP_TOOLS = {
  subredditPostsPage: 'get_subreddit_posts',
  searchPage: 'search_posts',
  postComments: 'get_post_comments',
} as const satisfies Record<keyof RedditPort, string>;

/** The server also offers tools the port does not call. */
export const REDDIT_MCP_SERVER_TOOLS = { ...REDDIT_MCP_TOOLS, analyzeSentiment: 'analyze_sentiment' } as const;

export type RedditMcpTool = keyof typeof REDDIT_MCP_SERVER_TOOLS;
export type RedditMcpToolMap = Record<keyof RedditPort, string>;
export type RedditMcpServerToolMap = Record<RedditMcpTool, string>;

/** A `tools/call` result as the adapter reads it (libs/mcp's, shared by the provider adapters). */
export type { McpToolResult } from '@junction/mcp';

/** `_meta` of an error result: how the server classified the failure. */
export type RedditMcpErrorMeta = ProviderMcpErrorMeta;

/**
 * `_meta.rateLimit` of a result: X-Ratelimit-* as the server's Reddit client last saw them (the reset relative, so no
 * clock is shared), for the caller's shared limiter.
 */
export interface RedditMcpRateLimitMeta {
  remaining: number;
  resetInMs: number;
}

const subreddit = z
  .string()
  .regex(/^[A-Za-z0-9_]{2,21}$/)
  .describe('a subreddit name without r/');
const time = z.enum(['hour', 'day', 'week', 'month', 'year', 'all']).describe("Reddit's t");
const limit = z.number().int().min(1).max(100).describe('page size (Reddit caps listings at 100; default 25)');
const after = z.string().min(1).describe('fullname to continue after (the previous page’s after)');
const postId = z
  .string()
  .regex(/^(t3_)?[a-z0-9]{1,13}$/)
  .describe('a post id (abc123) or fullname (t3_abc123)');

/** zod raw shapes of each tool's arguments. */
export const REDDIT_MCP_INPUTS = {
  subredditPostsPage: { subreddit, sort: z.enum(['new', 'hot', 'top']).optional().describe('default new'), time: time.optional().describe('with sort top; default day'), limit: limit.optional(), after: after.optional() },
  searchPage: {
    query: z.string().min(1).max(512),
    subreddit: subreddit.optional().describe('search within one subreddit (restrict_sr)'),
    sort: z.enum(['relevance', 'hot', 'top', 'new', 'comments']).optional().describe('default relevance'),
    time: time.optional().describe('default all'),
    limit: limit.optional(),
    after: after.optional(),
  },
  postComments: {
    post_id: postId,
    limit: z.number().int().min(1).max(500).optional().describe('comments Reddit returns; the rest are counted `more` stubs'),
    depth: z.number().int().min(1).max(10).optional(),
  },
  analyzeSentiment: {
    subreddit: subreddit.optional().describe("one of subreddit, query or post_id: a subreddit's posts"),
    query: z.string().min(1).max(512).optional().describe('…the posts a search finds (within subreddit when both are given)'),
    post_id: postId.optional().describe("…a post's comments"),
    sort: z.enum(['new', 'hot', 'top']).optional().describe('subreddit posts: default new'),
    time: time.optional(),
    limit: z.number().int().min(1).max(500).optional().describe('items to score (default 100; paged 100 at a time)'),
  },
} as const satisfies Record<RedditMcpTool, z.ZodRawShape>;

type Inputs = typeof REDDIT_MCP_INPUTS;
export type RedditMcpInput<K extends RedditMcpTool> = z.infer<z.ZodObject<Inputs[K]>>;

const post = z.object({
  id: z.string(),
  fullname: z.string(),
  subreddit: z.string(),
  title: z.string(),
  selftext: z.string(),
  author: z.string(),
  createdUtc: z.number(),
  score: z.number(),
  numComments: z.number(),
  permalink: z.string(),
  url: z.string(),
  domain: z.string(),
  isSelf: z.boolean(),
});
const comment = z.object({
  id: z.string(),
  fullname: z.string(),
  parentId: z.string(),
  depth: z.number(),
  author: z.string(),
  body: z.string(),
  score: z.number(),
  createdUtc: z.number(),
  permalink: z.string(),
});
const page = { posts: z.array(post), after: z.string().nullable() };
const share = z.object({ count: z.number(), share: z.number() });

/** zod raw shapes of each tool's `structuredContent`. */
export const REDDIT_MCP_OUTPUTS = {
  subredditPostsPage: page,
  searchPage: page,
  postComments: {
    post,
    comments: z.array(comment),
    more: z.object({ stubs: z.number(), count: z.number(), continueThread: z.number() }),
    maxDepth: z.number(),
  },
  analyzeSentiment: {
    source: z.object({ kind: z.enum(['subreddit', 'search', 'post-comments']), subreddit: z.string().nullable(), query: z.string().nullable(), postId: z.string().nullable() }),
    aggregate: z.object({
      count: z.number(),
      meanComparative: z.number(),
      medianComparative: z.number(),
      positive: share,
      neutral: share,
      negative: share,
      netSentiment: z.number(),
    }),
    items: z.array(
      z.object({
        fullname: z.string(),
        kind: z.enum(['post', 'comment']),
        score: z.number(),
        comparative: z.number(),
        label: z.enum(['positive', 'neutral', 'negative']),
        positiveWords: z.array(z.string()),
        negativeWords: z.array(z.string()),
        excerpt: z.string(),
      }),
    ),
  },
} as const satisfies Record<RedditMcpTool, z.ZodRawShape>;
