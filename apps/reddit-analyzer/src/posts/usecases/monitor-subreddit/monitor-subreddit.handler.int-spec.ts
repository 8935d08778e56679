import { createMessage } from '@junction/contracts';
import { startRedditAnalyzerHarness, type RedditAnalyzerHarness } from '../../../testing/reddit-analyzer.harness';
import { MonitorSubredditHandler } from './monitor-subreddit.handler';

/** The monitor on Postgres + the Reddit sandbox: a cursor per subreddit, moved with the event, read only new posts. */
describe('MonitorSubredditHandler (Postgres + Reddit sandbox)', () => {
  let h: RedditAnalyzerHarness;
  let handler: MonitorSubredditHandler;

  beforeAll(async () => {
    h = await startRedditAnalyzerHarness();
    handler = h.moduleRef.get(MonitorSubredditHandler);
  });
  afterAll(() => h?.close());

  const monitor = (subreddit: string, maxPosts = 100, tenantId = 't1') => createMessage('reddit.subreddit.monitor', { subreddit, maxPosts }, { tenantId });
  const listingRequests = (sub: string) => h.sandbox.requests.filter((r) => r.path.startsWith(`/r/${sub}/new`)).length;
  const cursorOf = (subreddit: string, tenantId = 't1') => h.db.prisma.redditMonitorCursor.findUnique({ where: { tenantId_connection_subreddit: { tenantId, connection: 'sandbox', subreddit } } });

  it('backfills on the first run, then reads only the posts that are new since', async () => {
    const first = h.sandbox.seedPosts('watched', 30).reverse();
    const run1 = monitor('watched');
    await handler.execute(run1);
    const [e1] = await h.events(run1.id);
    expect(e1!.body).toMatchObject({ type: 'reddit.subreddit.monitored', payload: { firstRun: true, newPosts: 30, gap: false, cursor: { lastFullname: first[0]!.name } } });
    expect(await cursorOf('watched')).toMatchObject({ lastFullname: first[0]!.name, runs: 1, lastCommandId: run1.id });

    const added = h.sandbox.seedPosts('watched', 5).reverse();
    const before = listingRequests('watched');
    const run2 = monitor('watched');
    await handler.execute(run2);
    const [e2] = await h.events(run2.id);
    const payload = e2!.body.payload as { firstRun: boolean; newPosts: number; posts: { fullname: string }[]; cursor: { lastFullname: string } };
    expect(payload).toMatchObject({ firstRun: false, newPosts: 5, gap: false, cursor: { lastFullname: added[0]!.name } });
    expect(payload.posts.map((p) => p.fullname)).toEqual(added.map((p) => p.name));
    expect(listingRequests('watched') - before).toBe(1); // stopped at the cursor on the first page

    // Nothing new: an empty run, the cursor stays.
    const run3 = monitor('watched');
    await handler.execute(run3);
    expect((await h.events(run3.id))[0]!.body.payload).toMatchObject({ newPosts: 0, cursor: { lastFullname: added[0]!.name } });
    expect(await cursorOf('watched')).toMatchObject({ lastFullname: added[0]!.name, runs: 3 });

    // Stored: every run's posts under the event's resultId.
    const stored = await h.db.prisma.redditAnalysis.findUniqueOrThrow({ where: { commandId: run2.id } });
    expect(stored).toMatchObject({ id: (payload as unknown as { resultId: string }).resultId, kind: 'monitor', subreddit: 'watched', itemCount: 5 });
  });

  it('says when maxPosts cut the run short of the cursor (a gap)', async () => {
    h.sandbox.seedPosts('busy', 3);
    await handler.execute(monitor('busy'));
    h.sandbox.seedPosts('busy', 150);
    const run = monitor('busy', 100);
    await handler.execute(run);
    expect((await h.events(run.id))[0]!.body.payload).toMatchObject({ newPosts: 100, gap: true, omitted: 50 });
  });

  it('keeps one cursor per tenant', async () => {
    h.sandbox.seedPosts('shared', 4);
    await handler.execute(monitor('shared', 100, 'tenant-a'));
    const other = monitor('shared', 100, 'tenant-b');
    await handler.execute(other);
    expect((await h.events(other.id))[0]!.body.payload).toMatchObject({ firstRun: true, newPosts: 4 });
  });

  it('a redelivered command reads nothing, stores nothing and publishes nothing again; the cursor moves once', async () => {
    h.sandbox.seedPosts('dupes', 3);
    const run = monitor('dupes');
    await handler.execute(run);
    const requests = h.sandbox.requests.length;
    await handler.execute(run);
    expect(h.sandbox.requests.length).toBe(requests);
    expect(await h.events(run.id)).toHaveLength(1);
    expect(await h.db.prisma.redditAnalysis.count({ where: { commandId: run.id } })).toBe(1);
    expect(await cursorOf('dupes')).toMatchObject({ runs: 1 });
  });

  it('an unknown subreddit is answered with reddit.subreddit.monitor.failed (not found), and no cursor', async () => {
    const run = monitor('nosuchsubreddit');
    await handler.execute(run);
    const events = await h.events(run.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.body).toMatchObject({ type: 'reddit.subreddit.monitor.failed', payload: { code: 'PROVIDER_NOT_FOUND', errorClass: 'not_found', deadLettered: false } });
    expect(await cursorOf('nosuchsubreddit')).toBeNull();
  });
});
