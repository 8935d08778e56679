export { RedditSandbox } from './sandbox/reddit.sandbox';
export type { RedditSandboxOptions } from './sandbox/reddit.sandbox';
export { FixedWindowCounter, rateLimitHeaders } from './sandbox/fixed-window';
export type { WindowState } from './sandbox/fixed-window';
export type { CommentSeed, Listing, PostSeed, RedditComment, RedditPost, Thing } from './sandbox/reddit-things';
