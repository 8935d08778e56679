import { communityInsights, quantiles, type InsightComment, type InsightPost } from './insights';

const at = (iso: string) => Date.parse(iso) / 1000;
const post = (over: Partial<InsightPost>): InsightPost => ({ author: 'ann', createdUtc: at('2026-03-01T09:15:00Z'), score: 1, numComments: 0, domain: 'self.junction', title: 'Hello', selftext: '', ...over });
const comment = (over: Partial<InsightComment>): InsightComment => ({ author: 'bob', createdUtc: at('2026-03-01T17:05:00Z'), score: 1, body: 'ok', ...over });

describe('communityInsights', () => {
  const posts = [
    post({ author: 'ann', score: 120, numComments: 30, title: 'Postgres upgrade went great', createdUtc: at('2026-03-01T09:15:00Z') }),
    post({ author: 'ann', score: 4, numComments: 2, domain: 'github.com', title: 'Postgres extension release', createdUtc: at('2026-03-02T09:45:00Z') }),
    post({ author: 'carl', score: 0, numComments: 0, domain: 'github.com', title: 'Broker metrics', createdUtc: at('2026-03-02T23:59:00Z') }),
    post({ author: '[deleted]', score: 10, numComments: 5, domain: 'youtube.com', title: 'Talk on Postgres', createdUtc: at('2026-03-03T00:10:00Z') }),
  ];
  const comments = [comment({ author: 'bob' }), comment({ author: 'bob', score: 7 }), comment({ author: 'AutoModerator' }), comment({ author: 'ann', body: 'postgres rocks' })];

  it('counts activity per UTC hour over posts and comments', () => {
    const insights = communityInsights(posts, comments, 5);
    expect(insights.activityByHourUtc).toHaveLength(24);
    expect(insights.activityByHourUtc[9]).toBe(2);
    expect(insights.activityByHourUtc[23]).toBe(1);
    expect(insights.activityByHourUtc[0]).toBe(1);
    expect(insights.activityByHourUtc[17]).toBe(4);
    expect(insights.activityByHourUtc.reduce((a, b) => a + b, 0)).toBe(8);
    expect([insights.posts, insights.comments]).toEqual([4, 4]);
  });

  it('ranks authors by activity (deleted accounts and AutoModerator left out), domains by posts', () => {
    const insights = communityInsights(posts, comments, 5);
    expect(insights.topAuthors).toEqual([
      { author: 'ann', posts: 2, comments: 1, totalScore: 125 },
      { author: 'bob', posts: 0, comments: 2, totalScore: 8 },
      { author: 'carl', posts: 1, comments: 0, totalScore: 0 },
    ]);
    expect(insights.topDomains).toEqual([
      { domain: 'github.com', posts: 2 },
      { domain: 'self.junction', posts: 1 },
      { domain: 'youtube.com', posts: 1 },
    ]);
    expect(communityInsights(posts, comments, 1).topDomains).toHaveLength(1);
  });

  it('describes engagement with quantiles and lists the top terms without stop words', () => {
    const insights = communityInsights(posts, comments, 3);
    expect(insights.engagement.score).toEqual({ min: 0, p50: 4, p90: 120, p99: 120, max: 120, mean: 33.5 });
    expect(insights.engagement.comments).toMatchObject({ min: 0, p50: 2, max: 30, mean: 9.25 });
    expect(insights.topTerms[0]).toEqual({ term: 'postgres', count: 4 });
    expect(insights.topTerms.map((t) => t.term)).not.toContain('on');
  });

  it('quantiles of nothing are zeros', () => {
    expect(quantiles([])).toEqual({ min: 0, p50: 0, p90: 0, p99: 0, max: 0, mean: 0 });
  });
});
