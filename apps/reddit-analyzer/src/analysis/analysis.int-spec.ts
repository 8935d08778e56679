import { createMessage } from '@junction/contracts';
import { startRedditAnalyzerHarness, type RedditAnalyzerHarness } from '../testing/reddit-analyzer.harness';
import { AnalyzeSentimentHandler } from './usecases/analyze-sentiment/analyze-sentiment.handler';
import { DetectTrendsHandler } from './usecases/detect-trends/detect-trends.handler';
import { GetCommunityInsightsHandler } from './usecases/get-community-insights/get-community-insights.handler';

/** Analyses on Postgres + the sandbox: computed over what Reddit returned, stored, summarised in the event, once. */
describe('analysis use cases (Postgres + Reddit sandbox)', () => {
  let h: RedditAnalyzerHarness;

  beforeAll(async () => {
    h = await startRedditAnalyzerHarness();
  });
  afterAll(() => h?.close());

  it('reddit.sentiment.analyze scores a post’s comments and ranks the extremes; a duplicate delivery stores and publishes once', async () => {
    const [post] = h.sandbox.seedPosts('moods', 1);
    h.sandbox.seedComments(post!.id, [
      { body: 'This is terrible, it broke everything. Awful.' },
      { body: 'What version are you on?' },
      { body: 'I love it, fantastic work, thank you!' },
      { body: 'Great improvement, happy with it' },
    ]);
    const c = createMessage('reddit.sentiment.analyze', { source: { kind: 'post-comments', postId: post!.id, limit: 200 } }, { tenantId: 't1' });
    const handler = h.moduleRef.get(AnalyzeSentimentHandler);
    await handler.execute(c);
    await handler.execute(c);
    const events = await h.events(c.id);
    expect(events).toHaveLength(1);
    const payload = events[0]!.body.payload as {
      resultId: string;
      aggregate: { count: number; positive: { count: number }; negative: { count: number }; neutral: { count: number } };
      mostPositive: { excerpt: string }[];
      mostNegative: { excerpt: string }[];
    };
    expect(payload.aggregate).toMatchObject({ count: 4, positive: { count: 2 }, neutral: { count: 1 }, negative: { count: 1 } });
    expect(payload.mostPositive.map((i) => i.excerpt).sort()).toEqual(['Great improvement, happy with it', 'I love it, fantastic work, thank you!']);
    expect(payload.mostNegative[0]!.excerpt).toMatch(/^This is terrible/);
    expect(await h.db.prisma.redditAnalysis.count({ where: { commandId: c.id } })).toBe(1);
    const stored = await h.db.prisma.redditAnalysis.findUniqueOrThrow({ where: { id: payload.resultId } });
    expect(stored).toMatchObject({ kind: 'sentiment', subreddit: 'moods', itemCount: 4 });
  });

  it('reddit.trends.detect ranks a term planted in the latest window first', async () => {
    const now = Math.floor(Date.now() / 1000);
    const day = 86_400;
    const everyday = ['Helm chart values question', 'Postgres vacuum tuning', 'Broker sizing advice', 'Dashboard query slow'];
    h.sandbox.seedPosts('trending', [
      ...Array.from({ length: 40 }, (_, i) => ({ title: everyday[i % 4]!, created_utc: now - 7 * day + i * 3_600 * 3 })),
      ...Array.from({ length: 12 }, (_, i) => ({ title: everyday[i % 4]!, created_utc: now - day + 600 + i * 3_600 })),
      ...['Webhook retries exploding', 'Are webhook deliveries delayed?', 'Webhook signature failures', 'webhook backlog again', 'Webhook outage postmortem'].map((title, i) => ({ title, created_utc: now - 3_600 * (i + 1) })),
    ]);
    const c = createMessage(
      'reddit.trends.detect',
      { source: { kind: 'subreddit', subreddit: 'trending', sort: 'new', limit: 200 }, windowHours: 24, baselineHours: 24 * 7, minCount: 3, top: 5, asOf: new Date(now * 1000).toISOString() },
      { tenantId: 't1' },
    );
    await h.moduleRef.get(DetectTrendsHandler).execute(c);
    const [event] = await h.events(c.id);
    const payload = event!.body.payload as { trends: { term: string; windowCount: number; baselineCount: number }[]; window: { documents: number }; baseline: { documents: number } };
    expect(event!.body.type).toBe('reddit.trends.detected');
    expect(payload.trends[0]).toMatchObject({ term: 'webhook', windowCount: 5, baselineCount: 0 });
    expect(payload.window.documents).toBe(17);
    expect(payload.baseline.documents).toBe(40);
    expect(payload.trends.map((t) => t.term)).not.toContain('postgres');
  });

  it('reddit.community-insights.get describes a seeded community, comments of the most commented posts included', async () => {
    const posts = h.sandbox.seedCorpus('community', { posts: 80, seed: 7 });
    const c = createMessage('reddit.community-insights.get', { subreddit: 'community', limit: 200, commentsOfTopPosts: 3, top: 5 }, { tenantId: 't1' });
    await h.moduleRef.get(GetCommunityInsightsHandler).execute(c);
    const [event] = await h.events(c.id);
    const payload = event!.body.payload as { posts: number; comments: number; activityByHourUtc: number[]; topAuthors: { author: string }[]; topDomains: { domain: string }[]; engagement: { score: { max: number } } };
    const expectedComments = [...posts].sort((a, b) => b.num_comments - a.num_comments).slice(0, 3).reduce((n, p) => n + p.num_comments, 0);
    expect(payload).toMatchObject({ posts: 80, comments: expectedComments });
    expect(payload.activityByHourUtc.reduce((a, b) => a + b, 0)).toBe(80 + expectedComments);
    expect(payload.topAuthors).toHaveLength(5);
    expect(payload.topDomains.map((d) => d.domain)).toContain('self.community');
    expect(payload.engagement.score.max).toBe(Math.max(...posts.map((p) => p.score)));
  });
});
