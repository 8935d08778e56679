import type { ProviderLimitObservation } from '@junction/resilience';
import { RedditClient } from './reddit.client';
import { RedditSandbox, type RedditSandboxOptions } from './sandbox/reddit.sandbox';

const UA = 'linux:junction-tests:v1.0 (by /u/junction)';

/** RedditClient against the Reddit sandbox: token, pacing, errors, paging, comment trees. */
describe('RedditClient (Reddit sandbox)', () => {
  let sandboxClock = Date.parse('2026-03-01T10:00:00Z');
  const sandbox = new RedditSandbox({ now: () => new Date(sandboxClock) });

  beforeAll(() => sandbox.start());
  afterAll(() => sandbox.stop());
  beforeEach(() => {
    sandboxClock = Date.parse('2026-03-01T10:00:00Z');
    sandbox.reset();
    sandbox.faults.clear();
  });

  const client = (over: Partial<ConstructorParameters<typeof RedditClient>[0]> = {}, target: RedditSandbox = sandbox) =>
    new RedditClient({ authBaseUrl: target.url, apiBaseUrl: target.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', userAgent: UA, timeoutMs: 5_000, ...over });
  const statuses = (target: RedditSandbox = sandbox) => target.requests.map((r) => `${r.status} ${r.path.split('?')[0]}`);

  async function withSandbox(options: RedditSandboxOptions, run: (s: RedditSandbox) => Promise<void>): Promise<void> {
    const s = new RedditSandbox(options);
    await s.start();
    try {
      await run(s);
    } finally {
      await s.stop();
    }
  }

  describe('token', () => {
    it('fetches one token for many calls, concurrent or not, and sends the User-Agent', async () => {
      sandbox.seedPosts('junction', 3);
      const c = client();
      await Promise.all(Array.from({ length: 10 }, () => c.subredditPostsPage('junction', { limit: 1 })));
      await c.subredditPostsPage('junction', {});
      expect(sandbox.tokensIssued).toHaveLength(1);
      // The sandbox answers a missing or generic agent with 429: every call got through.
      expect(statuses().filter((s) => s.startsWith('200 /r/'))).toHaveLength(11);
    });

    it('refreshes shortly before expires_in, without waiting for a 401', async () => {
      sandbox.seedPosts('junction', 1);
      let clientClock = Date.now();
      const c = client({ now: () => clientClock, tokenRefreshMarginMs: 60_000 });
      await c.subredditPostsPage('junction', {});
      clientClock += 86_400_000 - 30_000; // inside the refresh margin of a 24 h token
      await c.subredditPostsPage('junction', {});
      expect(sandbox.tokensIssued).toHaveLength(2);
      expect(statuses().some((s) => s.startsWith('401'))).toBe(false);
    });

    it('on a 401 drops the token, fetches one more and retries the call once', async () => {
      sandbox.seedPosts('junction', 1);
      const c = client();
      await c.subredditPostsPage('junction', {});
      sandboxClock += 86_400_000; // Reddit expired (or revoked) the token; the client still thinks it is good
      const page = await c.subredditPostsPage('junction', {});
      expect(page.items).toHaveLength(1);
      expect(sandbox.tokensIssued).toHaveLength(2);
      expect(statuses().filter((s) => s.includes('/r/junction/new'))).toEqual(['200 /r/junction/new', '401 /r/junction/new', '200 /r/junction/new']);
    });

    it('a second 401 is an auth error (not retried again); rejected credentials are auth errors without the secret', async () => {
      await withSandbox({ tokenTtlSeconds: 0 }, async (s) => {
        s.seedPosts('junction', 1);
        await expect(client({}, s).subredditPostsPage('junction', {})).rejects.toMatchObject({ errorClass: 'auth', status: 401, retryable: false });
        expect(s.tokensIssued).toHaveLength(2);
      });
      const wrong = client({ clientSecret: 'not-the-secret' });
      const error = (await wrong.subredditPostsPage('junction', {}).catch((e: unknown) => e)) as Error;
      expect(error).toMatchObject({ errorClass: 'auth', operation: 'accessToken' });
      expect(error.message).not.toContain('not-the-secret');
    });

    it('refuses to run without a User-Agent', () => {
      expect(() => client({ userAgent: ' ' })).toThrow(/User-Agent/);
    });
  });

  describe('rate limit (X-Ratelimit-*)', () => {
    it('waits for the reset when Remaining reaches 0 instead of spending a request on a 429, and reports each observation', async () => {
      await withSandbox({ limit: 2, windowMs: 1_000 }, async (s) => {
        s.seedPosts('junction', 1);
        const observed: ProviderLimitObservation[] = [];
        const c = client({}, s);
        for (let i = 0; i < 5; i++) await c.subredditPostsPage('junction', {}, { observeLimits: (o) => observed.push(o) });
        expect(statuses(s).filter((x) => x.includes('/r/'))).toEqual(Array(5).fill('200 /r/junction/new'));
        expect(observed).toHaveLength(5);
        expect(observed.map((o) => o.remaining)).toContain(0);
        expect(c.rateLimit).toMatchObject({ remaining: expect.any(Number), resetAt: expect.any(Number) });
      });
    });

    it('fails fast with rate_limit and retryAfterMs when the reset is past the call’s deadline', async () => {
      await withSandbox({ limit: 1, windowMs: 60_000 }, async (s) => {
        s.seedPosts('junction', 1);
        const c = client({}, s);
        await c.subredditPostsPage('junction', {});
        const sent = s.requests.length;
        const error = (await c.subredditPostsPage('junction', {}, { deadline: Date.now() + 200 }).catch((e: unknown) => e)) as { retryAfterMs: number };
        expect(error).toMatchObject({ errorClass: 'rate_limit', retryable: true });
        expect(error.retryAfterMs).toBeGreaterThan(0);
        expect(s.requests.length).toBe(sent);
      });
    });

    it('maps a 429 to rate_limit with the reset (or Retry-After) as retryAfterMs', async () => {
      sandbox.seedPosts('junction', 1);
      const c = client();
      await c.subredditPostsPage('junction', {});
      sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 7 } });
      await expect(c.subredditPostsPage('junction', {})).rejects.toMatchObject({ errorClass: 'rate_limit', status: 429, retryAfterMs: 7_000 });
      await withSandbox({ limit: 1, windowMs: 60_000 }, async (s) => {
        s.seedPosts('junction', 1);
        // Two clients of one app id share the window: the second learns of it from the 429 itself.
        await client({}, s).subredditPostsPage('junction', {});
        const error = (await client({}, s).subredditPostsPage('junction', {}).catch((e: unknown) => e)) as { retryAfterMs: number };
        expect(error).toMatchObject({ errorClass: 'rate_limit', status: 429 });
        expect(error.retryAfterMs).toBeGreaterThan(0);
      });
    });
  });

  describe('errors', () => {
    it.each([
      [403, 'forbidden'],
      [404, 'not_found'],
      [500, 'server'],
      [503, 'server'],
      [400, 'client'],
    ])('maps %i to %s', async (status, errorClass) => {
      sandbox.seedPosts('junction', 1);
      const c = client();
      await c.subredditPostsPage('junction', {}); // token first, so the fault hits the API call
      sandbox.faults.set({ failNext: { count: 1, status } });
      await expect(c.subredditPostsPage('junction', {})).rejects.toMatchObject({ errorClass, status, provider: 'reddit', operation: 'subredditPosts' });
    });

    it('an unknown subreddit or post is not_found; a dropped connection is network', async () => {
      sandbox.seedPosts('junction', 1);
      await expect(client().subredditPostsPage('nosuchsub', {})).rejects.toMatchObject({ errorClass: 'not_found' });
      await expect(client().postComments('zzzzzz')).rejects.toMatchObject({ errorClass: 'not_found' });
      await withSandbox({ random: () => 0 }, async (s) => {
        s.faults.set({ resetRatio: 1 });
        await expect(client({}, s).subredditPostsPage('junction', {})).rejects.toMatchObject({ errorClass: 'network', retryable: true });
      });
    });
  });

  describe('operations', () => {
    it('pages a subreddit with after to the end, newest first, each post once', async () => {
      const seeded = sandbox.seedPosts('junction', 237).map((p) => p.name).reverse();
      const all = await client().subredditPosts('junction', { sort: 'new', limit: 1_000 });
      expect(all.items.map((p) => p.fullname)).toEqual(seeded);
      expect(all.after).toBeNull();
      expect(statuses().filter((s) => s.includes('/r/'))).toHaveLength(3);

      const some = await client().subredditPosts('junction', { limit: 150 });
      expect(some.items.map((p) => p.fullname)).toEqual(seeded.slice(0, 150));
      expect(some.after).toBe(seeded[149]);
    });

    it('maps posts (link domain, self posts) and sorts hot and top like Reddit', async () => {
      const now = sandboxClock / 1000;
      sandbox.seedPosts('junction', [
        { title: 'old but loved', score: 5_000, created_utc: now - 3 * 86_400 },
        { title: 'fresh link', url: 'https://www.github.com/x/y', score: 10, created_utc: now - 3_600 },
        { title: 'fresh and liked', score: 400, created_utc: now - 1_800 },
      ]);
      const c = client();
      expect((await c.subredditPosts('junction', { sort: 'top', time: 'week', limit: 10 })).items.map((p) => p.title)).toEqual(['old but loved', 'fresh and liked', 'fresh link']);
      expect((await c.subredditPosts('junction', { sort: 'top', time: 'day', limit: 10 })).items.map((p) => p.title)).toEqual(['fresh and liked', 'fresh link']);
      const hot = (await c.subredditPosts('junction', { sort: 'hot', limit: 10 })).items;
      expect(hot.map((p) => p.title)).toEqual(['fresh and liked', 'fresh link', 'old but loved']);
      expect(hot[1]).toMatchObject({ domain: 'github.com', isSelf: false, url: 'https://www.github.com/x/y', subreddit: 'junction', author: 'sandbox_user' });
      expect(hot[0]).toMatchObject({ domain: 'self.junction', isSelf: true, score: 400 });
    });

    it('searches site-wide or in one subreddit, paged to the end', async () => {
      sandbox.seedPosts('junction', Array.from({ length: 130 }, (_, i) => ({ title: i % 2 ? `shipping update ${i}` : `other ${i}` })));
      sandbox.seedPosts('elsewhere', [{ title: 'Shipping news' }]);
      const c = client();
      expect((await c.search('shipping', { limit: 1_000 })).items).toHaveLength(66);
      const inSub = await c.search('shipping', { subreddit: 'junction', sort: 'new', limit: 1_000 });
      expect(inSub.items).toHaveLength(65);
      expect(new Set(inSub.items.map((p) => p.subreddit))).toEqual(new Set(['junction']));
      expect(statuses().filter((s) => s.includes('/r/junction/search'))).toHaveLength(1);
    });

    it('flattens the comment tree depth first with depth and parent, and counts more stubs', async () => {
      const [post] = sandbox.seedPosts('junction', 1);
      const [a, b] = sandbox.seedComments(post!.id, [{ body: 'A' }, { body: 'B' }]);
      const [a1] = sandbox.seedComments(post!.id, [{ body: 'A.1', parent_id: a!.name }]);
      const [a11] = sandbox.seedComments(post!.id, [{ body: 'A.1.1', parent_id: a1!.name }]);
      sandbox.seedComments(post!.id, [{ body: 'B.1', parent_id: b!.name }, { body: 'C' }, { body: 'D' }]);

      const full = await client().postComments(post!.id);
      expect(full.comments.map((c) => [c.body, c.depth, c.parentId])).toEqual([
        ['A', 0, post!.name],
        ['A.1', 1, a!.name],
        ['A.1.1', 2, a1!.name],
        ['B', 0, post!.name],
        ['B.1', 1, b!.name],
        ['C', 0, post!.name],
        ['D', 0, post!.name],
      ]);
      expect(full).toMatchObject({ maxDepth: 2, more: { stubs: 0, count: 0 }, post: { fullname: post!.name, numComments: 7 } });
      expect(full.comments[2]).toMatchObject({ fullname: a11!.name, author: 'sandbox_commenter' });

      // depth 2: A.1.1 behind "continue this thread"; limit 4: A, A.1, B, B.1, then C and D behind one stub.
      const cut = await client().postComments(`t3_${post!.id}`, { limit: 4, depth: 2 });
      expect(cut.comments.map((c) => c.body)).toEqual(['A', 'A.1', 'B', 'B.1']);
      expect(cut.more).toEqual({ stubs: 2, count: 2, continueThread: 1 });
      expect(cut.maxDepth).toBe(1);
    });
  });
});
