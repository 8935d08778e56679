export { collectPages, REDDIT_PAGE_SIZE, RedditClient } from './reddit.client';
export type { CollectedPages, SearchQuery, SubredditPostsQuery } from './reddit.client';
export type {
  RedditCallOptions,
  RedditClientOptions,
  RedditCommentData,
  RedditCommentThread,
  RedditListingSort,
  RedditPage,
  RedditPostData,
  RedditRateLimitState,
  RedditSearchSort,
  RedditTimeFilter,
} from './reddit.types';
export { toCommentThread, toPost, toPostPage } from './reddit.mapper';
export { RedditSandbox } from './sandbox/reddit.sandbox';
export type { RedditSandboxOptions } from './sandbox/reddit.sandbox';
export { generateCorpus } from './sandbox/corpus';
export type { CorpusComment, CorpusOptions, CorpusPost } from './sandbox/corpus';
export { FixedWindowCounter, rateLimitHeaders } from './sandbox/fixed-window';
export type { WindowState } from './sandbox/fixed-window';
export type { CommentSeed, Listing, PostSeed, RedditComment, RedditMore, RedditPost, Thing } from './sandbox/reddit-things';
export type { RedditPort } from './reddit.port';
export { aggregateSentiment, analyzeSentiment, NEUTRAL_BAND, scoreText } from './analysis/reddit-sentiment';
export type { ScoredItem, SentimentAggregate, SentimentInput, SentimentLabel } from './analysis/reddit-sentiment';
export * from './mcp/reddit-mcp.tools';
export { RedditMcpClient, type RedditMcpCallTool, type RedditMcpClientOptions } from './mcp/reddit-mcp.client';
