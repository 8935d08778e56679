/**
 * What reddit-analyzer reads from Reddit, whichever way a connection reaches it: Reddit's API (RedditClient,
 * `transport: rest`) or a Reddit MCP server's tools (RedditMcpClient, `transport: mcp`). Both return the same shapes
 * and classify every failure as the same IntegrationError (class, status, operation label, retryAfterMs), so the
 * analyzer's pipeline, paging (one call per page) and settlement cannot tell the two apart. Reads only.
 */
import type { SearchQuery, SubredditPostsQuery } from './reddit.client';
import type { RedditCallOptions, RedditCommentThread, RedditPage, RedditPostData } from './reddit.types';

export interface RedditPort {
  /** One page of a subreddit's listing. Failures are labelled `subredditPosts`. */
  subredditPostsPage(subreddit: string, query: SubredditPostsQuery & { after?: string | null; limit?: number }, options?: RedditCallOptions): Promise<RedditPage<RedditPostData>>;
  /** One page of search results (posts). Failures are labelled `search`. */
  searchPage(q: string, query: SearchQuery & { after?: string | null; limit?: number }, options?: RedditCallOptions): Promise<RedditPage<RedditPostData>>;
  /** A post and its comment tree, flattened. Failures are labelled `postComments`. */
  postComments(postId: string, query?: { limit?: number; depth?: number }, options?: RedditCallOptions): Promise<RedditCommentThread>;
}
