import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineCommand, definitionsOf, messagesByType } from './define-command';

/**
 * reddit-analyzer's commands. Results can be large (a monitor run, 1,000 posts): the full result is stored in
 * Postgres (`reddit_analysis`, its id is the event's `resultId`) and the event carries a summary plus a capped list
 * (`omitted` says how many items were left out) so it stays far below Service Bus's 256 KiB.
 */

/** A subreddit name without `r/` (Reddit: letters, digits, underscore; 3–21, some old ones 2). */
const subreddit = z.string().regex(/^[A-Za-z0-9_]{2,21}$/, 'a subreddit name without r/ (letters, digits, _)');
/** A post id, base 36 (`abc123`) or its fullname (`t3_abc123`). */
const postId = z.string().regex(/^(t3_)?[a-z0-9]{1,13}$/, 'a post id (abc123) or fullname (t3_abc123)');
const timeFilter = z.enum(['hour', 'day', 'week', 'month', 'year', 'all']);
const listingSort = z.enum(['new', 'hot', 'top']);
const searchSort = z.enum(['relevance', 'hot', 'top', 'new', 'comments']);
/** How many items a command may read from Reddit (10 pages of 100). */
const readLimit = z.number().int().min(1).max(1_000);
const resultId = z.uuid();
const omitted = z.number().int().min(0);
const count = z.number().int().min(0);

/** What an event lists per post: no self text, the title cut to 300 characters. */
export const redditPostSummary = z.strictObject({
  id: z.string().max(20),
  fullname: z.string().max(24),
  subreddit: z.string().max(30),
  title: z.string().max(300),
  author: z.string().max(40),
  createdUtc: z.number(),
  score: z.number().int(),
  numComments: count,
  permalink: z.string().max(500),
  domain: z.string().max(200),
});

export const redditCommentSummary = z.strictObject({
  id: z.string().max(20),
  parentId: z.string().max(24),
  depth: count,
  author: z.string().max(40),
  createdUtc: z.number(),
  score: z.number().int(),
  /** Cut to 500 characters. */
  body: z.string().max(500),
});

const sentimentBucket = z.strictObject({ count, share: z.number().min(0).max(1) });
export const redditSentimentAggregate = z.strictObject({
  count,
  /** Mean AFINN-165 comparative score (score per token), roughly -5..5; 0 is neutral. */
  meanComparative: z.number(),
  medianComparative: z.number(),
  positive: sentimentBucket,
  neutral: sentimentBucket,
  negative: sentimentBucket,
  /** (positive − negative) / count, -1..1. */
  netSentiment: z.number().min(-1).max(1),
});

const scoredItem = z.strictObject({
  fullname: z.string().max(24),
  kind: z.enum(['post', 'comment']),
  comparative: z.number(),
  label: z.enum(['positive', 'neutral', 'negative']),
  /** The first 200 characters of the text. */
  excerpt: z.string().max(200),
});

/** What to analyse: a subreddit's posts, one post's comments, or a search's posts. */
const analysisSource = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('subreddit'), subreddit, sort: listingSort.default('new'), time: timeFilter.optional(), limit: readLimit.default(100) }),
  z.strictObject({ kind: z.literal('post-comments'), postId, limit: z.number().int().min(1).max(500).default(200) }),
  z.strictObject({ kind: z.literal('search'), q: z.string().trim().min(1).max(512), subreddit: subreddit.optional(), time: timeFilter.optional(), limit: readLimit.default(100) }),
]);
export type RedditAnalysisSource = z.infer<typeof analysisSource>;

const quantiles = z.strictObject({ min: z.number(), p50: z.number(), p90: z.number(), p99: z.number(), max: z.number(), mean: z.number() });

export const redditSubredditPostsGet = defineCommand({
  type: 'reddit.subreddit-posts.get',
  topic: Topics.redditCommands,
  eventTopic: Topics.redditEvents,
  payload: z.strictObject({
    subreddit,
    sort: listingSort.default('new'),
    /** For `top` (Reddit's `t`); default day. */
    time: timeFilter.optional(),
    /** Posts to read (paged 100 at a time with `after`). */
    limit: readLimit.default(100),
  }),
  entityKey: (p) => `subreddit:${p.subreddit.toLowerCase()}`,
  succeeded: {
    type: 'reddit.subreddit-posts.retrieved',
    payload: z.strictObject({
      commandId: z.uuid(),
      subreddit,
      sort: listingSort,
      resultId,
      /** Posts read; fewer than asked when the subreddit ran out. */
      total: count,
      posts: z.array(redditPostSummary).max(50),
      omitted,
    }),
  },
});

export const redditPostCommentsGet = defineCommand({
  type: 'reddit.post-comments.get',
  topic: Topics.redditCommands,
  eventTopic: Topics.redditEvents,
  payload: z.strictObject({
    postId,
    /** Comments to ask Reddit for (its `limit`); the rest come back as `more` stubs, counted in `moreCount`. */
    limit: z.number().int().min(1).max(500).default(200),
    /** Reply depth to ask for (Reddit's `depth`). */
    depth: z.number().int().min(1).max(10).optional(),
  }),
  entityKey: (p) => `post:${p.postId.replace(/^t3_/, '')}`,
  succeeded: {
    type: 'reddit.post-comments.retrieved',
    payload: z.strictObject({
      commandId: z.uuid(),
      postId: z.string().max(20),
      resultId,
      /** Comments in the flattened tree. */
      total: count,
      /** Comments Reddit left out behind `more` stubs (sum of their counts). */
      moreCount: count,
      maxDepth: count,
      comments: z.array(redditCommentSummary).max(50),
      omitted,
    }),
  },
});

export const redditSearch = defineCommand({
  type: 'reddit.search',
  topic: Topics.redditCommands,
  eventTopic: Topics.redditEvents,
  payload: z.strictObject({
    q: z.string().trim().min(1).max(512),
    /** Restrict to one subreddit (`restrict_sr`). */
    subreddit: subreddit.optional(),
    sort: searchSort.default('relevance'),
    time: timeFilter.default('all'),
    limit: readLimit.default(100),
  }),
  succeeded: {
    type: 'reddit.search.completed',
    payload: z.strictObject({
      commandId: z.uuid(),
      q: z.string().max(512),
      subreddit: subreddit.optional(),
      resultId,
      total: count,
      posts: z.array(redditPostSummary).max(50),
      omitted,
    }),
  },
});

export const redditSubredditMonitor = defineCommand({
  type: 'reddit.subreddit.monitor',
  topic: Topics.redditCommands,
  eventTopic: Topics.redditEvents,
  payload: z.strictObject({
    subreddit,
    /** The most new posts to read in one run (the first run reads this many as its backfill). */
    maxPosts: readLimit.default(100),
  }),
  // One subreddit's monitor runs in order: each starts from the cursor the previous one committed.
  entityKey: (p) => `subreddit:${p.subreddit.toLowerCase()}`,
  succeeded: {
    type: 'reddit.subreddit.monitored',
    payload: z.strictObject({
      commandId: z.uuid(),
      subreddit,
      resultId,
      /** No cursor existed: this run read the newest `maxPosts` as a backfill. */
      firstRun: z.boolean(),
      /** Posts newer than the cursor. */
      newPosts: count,
      /** maxPosts was reached before the cursor: posts between were not read (raise maxPosts or run more often). */
      gap: z.boolean(),
      cursor: z.strictObject({ lastFullname: z.string().max(24).nullable(), lastCreatedUtc: z.number().nullable() }),
      posts: z.array(redditPostSummary).max(50),
      omitted,
    }),
  },
});

export const redditSentimentAnalyze = defineCommand({
  type: 'reddit.sentiment.analyze',
  topic: Topics.redditCommands,
  eventTopic: Topics.redditEvents,
  payload: z.strictObject({ source: analysisSource }),
  succeeded: {
    type: 'reddit.sentiment.analyzed',
    payload: z.strictObject({
      commandId: z.uuid(),
      resultId,
      aggregate: redditSentimentAggregate,
      mostPositive: z.array(scoredItem).max(10),
      mostNegative: z.array(scoredItem).max(10),
      /** Scored items not listed in the event (all are in the stored result). */
      omitted,
    }),
  },
});

export const redditTrendsDetect = defineCommand({
  type: 'reddit.trends.detect',
  topic: Topics.redditCommands,
  eventTopic: Topics.redditEvents,
  payload: z.strictObject({
    source: analysisSource,
    /** The latest window, ending at `asOf` (default now). */
    windowHours: z.number().int().min(1).max(24 * 30).default(24),
    /** The baseline window just before it. */
    baselineHours: z.number().int().min(1).max(24 * 365).default(24 * 7),
    /** A term needs this many occurrences in the latest window to count as a trend. */
    minCount: z.number().int().min(1).max(1_000).default(3),
    top: z.number().int().min(1).max(50).default(20),
    asOf: z.iso.datetime({ offset: true }).optional(),
  }),
  succeeded: {
    type: 'reddit.trends.detected',
    payload: z.strictObject({
      commandId: z.uuid(),
      resultId,
      window: z.strictObject({ from: z.iso.datetime(), to: z.iso.datetime(), documents: count }),
      baseline: z.strictObject({ from: z.iso.datetime(), to: z.iso.datetime(), documents: count }),
      trends: z
        .array(
          z.strictObject({
            term: z.string().max(100),
            /** Smoothed log₂ ratio of the share of documents mentioning the term, window over baseline (higher = more unusual). */
            score: z.number(),
            windowCount: count,
            baselineCount: count,
            /** Of every 1,000 documents in the window / the baseline, how many mention the term. */
            windowRate: z.number(),
            baselineRate: z.number(),
          }),
        )
        .max(50),
    }),
  },
});

export const redditCommunityInsightsGet = defineCommand({
  type: 'reddit.community-insights.get',
  topic: Topics.redditCommands,
  eventTopic: Topics.redditEvents,
  payload: z.strictObject({
    subreddit,
    /** Newest posts to read. */
    limit: readLimit.default(200),
    /** Also read the comments of this many of the most commented posts (authors and activity). */
    commentsOfTopPosts: z.number().int().min(0).max(25).default(0),
    top: z.number().int().min(1).max(50).default(10),
  }),
  entityKey: (p) => `subreddit:${p.subreddit.toLowerCase()}`,
  succeeded: {
    type: 'reddit.community-insights.retrieved',
    payload: z.strictObject({
      commandId: z.uuid(),
      subreddit,
      resultId,
      posts: count,
      comments: count,
      /** Posts and comments per hour of the day, UTC (index 0 = 00:00–00:59). */
      activityByHourUtc: z.array(count).length(24),
      topAuthors: z.array(z.strictObject({ author: z.string().max(40), posts: count, comments: count, totalScore: z.number().int() })).max(50),
      topDomains: z.array(z.strictObject({ domain: z.string().max(200), posts: count })).max(50),
      engagement: z.strictObject({ score: quantiles, comments: quantiles }),
      topTerms: z.array(z.strictObject({ term: z.string().max(100), count })).max(50),
    }),
  },
});

/** Every reddit.* message. */
export const redditMessages = messagesByType(
  ...definitionsOf(redditSubredditPostsGet),
  ...definitionsOf(redditPostCommentsGet),
  ...definitionsOf(redditSearch),
  ...definitionsOf(redditSubredditMonitor),
  ...definitionsOf(redditSentimentAnalyze),
  ...definitionsOf(redditTrendsDetect),
  ...definitionsOf(redditCommunityInsightsGet),
);

/** The commands reddit-analyzer handles (its subscription's filter; each needs an @EventPattern handler). */
export const redditAnalyzerCommands = [
  redditSubredditPostsGet.command.type,
  redditPostCommentsGet.command.type,
  redditSearch.command.type,
  redditSubredditMonitor.command.type,
  redditSentimentAnalyze.command.type,
  redditTrendsDetect.command.type,
  redditCommunityInsightsGet.command.type,
] as const;
