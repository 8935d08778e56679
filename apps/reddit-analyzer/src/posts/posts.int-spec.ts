import { createMessage } from '@junction/contracts';
import { RedditClient } from '@junction/connectors/reddit';
import { CommandStep } from '@junction/messaging';
import { RedditAnalysisRepository } from '@junction/persistence';
import { ResiliencePipelines } from '@junction/resilience';
import { RedditClients } from '../reddit/reddit-clients';
import { RedditReader } from '../reddit/reddit-reader';
import { startRedditAnalyzerHarness, TEST_USER_AGENT, type RedditAnalyzerHarness } from '../testing/reddit-analyzer.harness';
import { GetPostCommentsHandler } from './usecases/get-post-comments/get-post-comments.handler';
import { GetSubredditPostsHandler } from './usecases/get-subreddit-posts/get-subreddit-posts.handler';
import { SearchPostsHandler } from './usecases/search-posts/search-posts.handler';

/** Reading Reddit on Postgres + the sandbox: full result stored, a capped list and the result id in the event. */
describe('posts use cases (Postgres + Reddit sandbox)', () => {
  let h: RedditAnalyzerHarness;

  beforeAll(async () => {
    h = await startRedditAnalyzerHarness();
  });
  afterAll(() => h?.close());
  afterEach(() => h.sandbox.faults.clear());

  it('reddit.subreddit-posts.get pages to the requested count, stores all and lists 50 in the event', async () => {
    const seeded = h.sandbox.seedPosts('listing', 150).reverse();
    const c = createMessage('reddit.subreddit-posts.get', { subreddit: 'listing', sort: 'new', limit: 120 }, { tenantId: 't1' });
    await h.moduleRef.get(GetSubredditPostsHandler).execute(c);
    const [event] = await h.events(c.id);
    const payload = event!.body.payload as { resultId: string; total: number; omitted: number; posts: { fullname: string }[] };
    expect(event!.body.type).toBe('reddit.subreddit-posts.retrieved');
    expect(payload).toMatchObject({ total: 120, omitted: 70 });
    expect(payload.posts.map((p) => p.fullname)).toEqual(seeded.slice(0, 50).map((p) => p.name));
    const stored = await h.db.prisma.redditAnalysis.findUniqueOrThrow({ where: { id: payload.resultId } });
    expect(stored).toMatchObject({ kind: 'subreddit-posts', subreddit: 'listing', tenantId: 't1', itemCount: 120, commandId: c.id });
    expect((stored.result as { posts: { fullname: string }[] }).posts.map((p) => p.fullname)).toEqual(seeded.slice(0, 120).map((p) => p.name));
    expect(JSON.stringify(event!.body).length).toBeLessThan(256 * 1024);
  });

  it('rides out a 5xx storm inside the call (reads are idempotent) and answers once', async () => {
    h.sandbox.seedPosts('stormy', 3);
    const c = createMessage('reddit.subreddit-posts.get', { subreddit: 'stormy', sort: 'new', limit: 10 }, { tenantId: 't1' });
    h.sandbox.faults.set({ failNext: { count: 2, status: 503 }, paths: ['/r/stormy/new'] });
    await h.moduleRef.get(GetSubredditPostsHandler).execute(c);
    expect(h.sandbox.requests.filter((r) => r.path.startsWith('/r/stormy/new')).map((r) => r.status)).toEqual([503, 503, 200]);
    expect((await h.events(c.id)).map((e) => e.type)).toEqual(['reddit.subreddit-posts.retrieved']);
  });

  it('a storm longer than the retries is thrown for redelivery: nothing stored, no event', async () => {
    h.sandbox.seedPosts('down', 1);
    const c = createMessage('reddit.subreddit-posts.get', { subreddit: 'down', sort: 'new', limit: 10 }, { tenantId: 't1' });
    h.sandbox.faults.set({ errorRatio: 1, errorStatus: 502, paths: ['/r/down/new'] });
    await expect(h.moduleRef.get(GetSubredditPostsHandler).execute(c)).rejects.toMatchObject({ errorClass: 'server', retryable: true });
    expect(await h.events(c.id)).toHaveLength(0);
    expect(await h.db.prisma.redditAnalysis.count({ where: { commandId: c.id } })).toBe(0);
    h.sandbox.faults.clear();
    await h.moduleRef.get(GetSubredditPostsHandler).execute(c); // the redelivery
    expect(await h.events(c.id)).toHaveLength(1);
  });

  it('rejected app credentials are thrown (dead-lettered for an operator, then answered), never a provider-rejection event', async () => {
    h.sandbox.seedPosts('locked', 1);
    const wrong = new RedditClient({ authBaseUrl: h.sandbox.url, apiBaseUrl: h.sandbox.url, clientId: 'sandbox-client', clientSecret: 'wrong-secret-value', userAgent: TEST_USER_AGENT, timeoutMs: 2_000 });
    const reader = new RedditReader(new RedditClients({ fallback: { kind: 'sandbox', client: wrong }, userAgent: TEST_USER_AGENT, timeoutMs: 2_000 }), h.moduleRef.get(ResiliencePipelines));
    const handler = new GetSubredditPostsHandler(h.moduleRef.get(CommandStep), reader, h.moduleRef.get(RedditAnalysisRepository));
    const c = createMessage('reddit.subreddit-posts.get', { subreddit: 'locked', sort: 'new', limit: 10 }, { tenantId: 't1' });
    const error = (await handler.execute(c).catch((e: unknown) => e)) as Error;
    expect(error).toMatchObject({ errorClass: 'auth', retryable: false });
    expect(error.message).not.toContain('wrong-secret-value');
    expect(await h.events(c.id)).toHaveLength(0);
  });

  it('reddit.post-comments.get flattens the tree and counts what Reddit left out', async () => {
    const [post] = h.sandbox.seedPosts('threads', 1);
    const [top] = h.sandbox.seedComments(post!.id, [{ body: 'top' }]);
    const [reply] = h.sandbox.seedComments(post!.id, [{ body: 'reply', parent_id: top!.name }]);
    h.sandbox.seedComments(post!.id, [{ body: 'deep', parent_id: reply!.name }, { body: 'second' }, { body: 'third' }]);
    const c = createMessage('reddit.post-comments.get', { postId: `t3_${post!.id}`, limit: 3 }, { tenantId: 't1' });
    await h.moduleRef.get(GetPostCommentsHandler).execute(c);
    const [event] = await h.events(c.id);
    expect(event!.body).toMatchObject({ type: 'reddit.post-comments.retrieved', payload: { postId: post!.id, total: 3, moreCount: 2, maxDepth: 2, omitted: 0 } });
    expect((event!.body.payload as { comments: { body: string; depth: number; parentId: string }[] }).comments.map((x) => [x.body, x.depth, x.parentId])).toEqual([
      ['top', 0, post!.name],
      ['reply', 1, top!.name],
      ['deep', 2, reply!.name],
    ]);
    expect(await h.db.prisma.redditAnalysis.findUniqueOrThrow({ where: { commandId: c.id } })).toMatchObject({ kind: 'post-comments', query: post!.name, subreddit: 'threads' });
  });

  it('reddit.search finds posts in one subreddit and is stored with its query', async () => {
    h.sandbox.seedPosts('searchable', [{ title: 'Invoice export broken' }, { title: 'Unrelated' }, { title: 'invoice totals' }]);
    h.sandbox.seedPosts('othersub', [{ title: 'invoice elsewhere' }]);
    const c = createMessage('reddit.search', { q: 'invoice', subreddit: 'searchable', sort: 'new', time: 'all', limit: 100 }, { tenantId: 't1' });
    await h.moduleRef.get(SearchPostsHandler).execute(c);
    const [event] = await h.events(c.id);
    expect(event!.body).toMatchObject({ type: 'reddit.search.completed', payload: { q: 'invoice', subreddit: 'searchable', total: 2 } });
    expect(await h.db.prisma.redditAnalysis.findUniqueOrThrow({ where: { commandId: c.id } })).toMatchObject({ kind: 'search', query: 'invoice', itemCount: 2 });
  });
});
