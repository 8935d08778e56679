import { request } from 'undici';
import { RedditSandbox } from './reddit.sandbox';

const UA = 'linux:junction-tests:v1.0 (by /u/junction)';
const BASIC = `Basic ${Buffer.from('sandbox-client:sandbox-secret').toString('base64')}`;

describe('RedditSandbox (raw HTTP)', () => {
  let clock = Date.parse('2026-03-01T10:00:00Z');
  const sandbox = new RedditSandbox({ now: () => new Date(clock), windowMs: 60_000 });
  let url: string;

  beforeAll(async () => {
    ({ url } = await sandbox.start());
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => {
    clock = Date.parse('2026-03-01T10:00:00Z');
    sandbox.reset();
  });

  async function tokenRequest(authorization: string, body = 'grant_type=client_credentials') {
    const res = await request(`${url}/api/v1/access_token`, {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/x-www-form-urlencoded', 'user-agent': UA },
      body,
    });
    return { status: res.statusCode, json: (await res.body.json()) as Record<string, any> };
  }

  async function token(): Promise<string> {
    return (await tokenRequest(BASIC)).json.access_token as string;
  }

  async function api(path: string, bearer: string | null, agent: string | null = UA) {
    const headers: Record<string, string> = {};
    if (bearer !== null) headers.authorization = `bearer ${bearer}`;
    if (agent !== null) headers['user-agent'] = agent;
    const res = await request(`${url}${path}`, { headers });
    return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as any };
  }

  describe('token endpoint', () => {
    it('issues an app-only bearer token for Basic client credentials', async () => {
      const res = await tokenRequest(BASIC);
      expect(res.status).toBe(200);
      expect(res.json).toEqual({ access_token: expect.any(String), token_type: 'bearer', expires_in: 86400, scope: '*' });
      expect(sandbox.tokensIssued).toEqual([expect.objectContaining({ clientId: 'sandbox-client' })]);
    });

    it('answers wrong credentials with 401 and an unknown grant with 200 {error}', async () => {
      const wrong = await tokenRequest(`Basic ${Buffer.from('sandbox-client:nope').toString('base64')}`);
      expect([wrong.status, wrong.json]).toEqual([401, { message: 'Unauthorized', error: 401 }]);
      expect((await tokenRequest('Bearer x')).status).toBe(401);
      const grant = await tokenRequest(BASIC, 'grant_type=password');
      expect([grant.status, grant.json]).toEqual([200, { error: 'unsupported_grant_type' }]);
    });
  });

  describe('API auth', () => {
    it('needs a bearer token (expired ones too are 401) and a unique User-Agent (generic → 429)', async () => {
      sandbox.seedPosts('junction', 1);
      const bearer = await token();
      expect((await api('/r/junction/new', null)).json).toEqual({ message: 'Unauthorized', error: 401 });
      expect((await api('/r/junction/new', bearer, null)).status).toBe(429);
      expect((await api('/r/junction/new', bearer, 'python-requests/2.31.0')).status).toBe(429);
      expect((await api('/r/junction/new', bearer)).status).toBe(200);
      clock += 86_400_000;
      expect((await api('/r/junction/new', bearer)).status).toBe(401);
    });
  });

  describe('listings', () => {
    it('wraps posts in a Listing of t3 things, newest first, default limit 25', async () => {
      sandbox.seedPosts('junction', 30);
      const res = await api('/r/junction/new', await token());
      expect(res.json.kind).toBe('Listing');
      expect(res.json.data.dist).toBe(25);
      expect(res.json.data.before).toBeNull();
      expect(res.json.data.children[0]).toEqual({ kind: 't3', data: expect.objectContaining({ title: 'Post 30', name: expect.stringMatching(/^t3_[a-z0-9]+$/) }) });
      expect(res.json.data.after).toBe(res.json.data.children[24].data.name);
    });

    it('walks every post exactly once with after, and back with before', async () => {
      const seeded = sandbox.seedPosts('junction', 237).map((p) => p.name).reverse();
      const bearer = await token();
      const pages: string[][] = [];
      let after: string | null = null;
      do {
        const res = await api(`/r/junction/new.json?limit=100${after ? `&after=${after}` : ''}`, bearer);
        pages.push(res.json.data.children.map((c: { data: { name: string } }) => c.data.name));
        after = res.json.data.after;
      } while (after);
      expect(pages.map((p) => p.length)).toEqual([100, 100, 37]);
      expect(pages.flat()).toEqual(seeded);

      const back = await api(`/r/junction/new?limit=100&before=${pages[2]![0]}`, bearer);
      expect(back.json.data.children.map((c: { data: { name: string } }) => c.data.name)).toEqual(pages[1]);
      expect(back.json.data.before).toBe(pages[1]![0]);
    });

    it('caps limit at 100', async () => {
      sandbox.seedPosts('junction', 150);
      expect((await api('/r/junction/new?limit=500', await token())).json.data.dist).toBe(100);
    });

    it('returns [post listing, comment listing] with t1 things and nested replies', async () => {
      const [post] = sandbox.seedPosts('junction', 1);
      const [top] = sandbox.seedComments(post!.id, 2);
      sandbox.seedComments(post!.id, [{ body: 'a reply', parent_id: top!.name }]);
      const res = await api(`/r/junction/comments/${post!.id}`, await token());
      expect(res.json).toHaveLength(2);
      expect(res.json[0].data.children[0]).toEqual({ kind: 't3', data: expect.objectContaining({ id: post!.id, num_comments: 3 }) });
      const comments = res.json[1].data.children;
      expect(comments.map((c: { kind: string }) => c.kind)).toEqual(['t1', 't1']);
      expect(comments[0].data.replies.data.children[0].data).toMatchObject({ body: 'a reply', parent_id: top!.name, link_id: post!.name });
      expect(comments[1].data.replies).toBe('');
      expect((await api(`/comments/${post!.id}.json`, await token())).status).toBe(200);
      expect((await api('/comments/zzzzzz', await token())).json).toEqual({ message: 'Not Found', error: 404 });
    });

    it('cuts comment trees at limit and depth with more stubs shaped like Reddit\'s', async () => {
      const [post] = sandbox.seedPosts('junction', 1);
      const [a, , c] = sandbox.seedComments(post!.id, 3);
      const [a1] = sandbox.seedComments(post!.id, [{ parent_id: a!.name }]);
      sandbox.seedComments(post!.id, [{ parent_id: a1!.name }]);
      const res = await api(`/comments/${post!.id}?limit=3&depth=2`, await token());
      const top = res.json[1].data.children;
      expect(top.map((t: { kind: string }) => t.kind)).toEqual(['t1', 't1', 'more']);
      expect(top[2].data).toEqual({ count: 1, name: c!.name, id: c!.id, parent_id: post!.name, depth: 0, children: [c!.id] });
      const reply = top[0].data.replies.data.children[0];
      expect(reply.data).toMatchObject({ depth: 1, parent_id: a!.name });
      expect(reply.data.replies.data.children).toEqual([{ kind: 'more', data: { count: 0, name: 't1__', id: '_', parent_id: a1!.name, depth: 2, children: [] } }]);
    });

    it('seeds a deterministic, realistic corpus', () => {
      const now = new Date('2026-03-01T10:00:00Z');
      const one = new RedditSandbox({ now: () => now });
      const two = new RedditSandbox({ now: () => now });
      const a = one.seedCorpus('demo', { posts: 50, seed: 5 });
      const b = two.seedCorpus('demo', { posts: 50, seed: 5 });
      expect(a).toEqual(b);
      expect(new Set(a.map((p) => p.author)).size).toBeGreaterThan(5);
      expect(a.some((p) => !p.is_self) && a.some((p) => p.is_self)).toBe(true);
      expect(a.every((p) => p.created_utc <= now.getTime() / 1000)).toBe(true);
      expect(a.reduce((n, p) => n + p.num_comments, 0)).toBeGreaterThan(0);
    });

    it('searches titles and self text, site-wide or restricted to a subreddit', async () => {
      sandbox.seedPosts('junction', [{ title: 'Shipping delays' }, { title: 'Other', selftext: 'about shipping' }]);
      sandbox.seedPosts('elsewhere', [{ title: 'shipping news' }]);
      const bearer = await token();
      expect((await api('/search?q=shipping', bearer)).json.data.dist).toBe(3);
      expect((await api('/r/junction/search?q=shipping&restrict_sr=1', bearer)).json.data.dist).toBe(2);
    });
  });

  describe('rate limit (100 per window per client id)', () => {
    it('counts down X-Ratelimit-Remaining as a float and answers 429 past the limit until the window resets', async () => {
      sandbox.seedPosts('junction', 1);
      const bearer = await token();
      const second = await token(); // same client id: same window
      clock += 15_000; // 45 s left in the aligned minute
      const first = await api('/r/junction/new', bearer);
      expect(first.headers).toMatchObject({ 'x-ratelimit-used': '1', 'x-ratelimit-remaining': '99.0', 'x-ratelimit-reset': '45' });
      for (let i = 2; i <= 100; i += 1) {
        const res = await api('/r/junction/new', i % 2 ? bearer : second);
        expect(res.status).toBe(200);
      }
      const refused = await api('/r/junction/new', bearer);
      expect(refused.status).toBe(429);
      expect(refused.json).toEqual({ message: 'Too Many Requests', error: 429 });
      expect(refused.headers).toMatchObject({ 'x-ratelimit-used': '100', 'x-ratelimit-remaining': '0.0', 'x-ratelimit-reset': '45' });
      expect(sandbox.rateLimitFor('sandbox-client').used).toBe(100);

      clock += 45_000;
      const fresh = await api('/r/junction/new', bearer);
      expect(fresh.status).toBe(200);
      expect(fresh.headers).toMatchObject({ 'x-ratelimit-used': '1', 'x-ratelimit-remaining': '99.0', 'x-ratelimit-reset': '60' });
    });

    it('keeps separate windows per client id and takes the limit and window from options', async () => {
      const small = new RedditSandbox({
        clients: { a: 'sa', b: 'sb' },
        limit: 2,
        windowMs: 10_000,
        now: () => new Date(clock),
      });
      const { url: smallUrl } = await small.start();
      try {
        small.seedPosts('x', 1);
        const tokenFor = async (id: string, secret: string) => {
          const res = await request(`${smallUrl}/api/v1/access_token`, {
            method: 'POST',
            headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
            body: 'grant_type=client_credentials',
          });
          return ((await res.body.json()) as { access_token: string }).access_token;
        };
        const [a, b] = [await tokenFor('a', 'sa'), await tokenFor('b', 'sb')];
        const hit = async (bearer: string) => {
          const res = await request(`${smallUrl}/r/x/new`, { headers: { authorization: `bearer ${bearer}`, 'user-agent': UA } });
          await res.body.dump();
          return [res.statusCode, res.headers['x-ratelimit-reset']];
        };
        expect([await hit(a), await hit(a), await hit(a), await hit(b)]).toEqual([[200, '10'], [200, '10'], [429, '10'], [200, '10']]);
        clock += 10_000;
        expect(await hit(a)).toEqual([200, '10']);
      } finally {
        await small.stop();
      }
    });
  });

  describe('faults', () => {
    it('injects 429 with Retry-After and Reddit\'s JSON, latency, and connection resets', async () => {
      sandbox.seedPosts('junction', 1);
      const bearer = await token();
      sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 7 }, latencyMs: 100 });
      const started = Date.now();
      const res = await request(`${url}/r/junction/new`, { headers: { authorization: `bearer ${bearer}`, 'user-agent': UA } });
      expect([res.statusCode, res.headers['retry-after'], await res.body.json()]).toEqual([429, '7', { message: 'Too Many Requests', error: 429 }]);
      expect(Date.now() - started).toBeGreaterThanOrEqual(90);

      const resetting = new RedditSandbox({ random: () => 0 });
      const { url: resetUrl } = await resetting.start();
      try {
        resetting.faults.set({ resetRatio: 0.1 });
        await expect(request(`${resetUrl}/api/v1/access_token`, { method: 'POST', body: 'x' })).rejects.toMatchObject({ code: 'ECONNRESET' });
      } finally {
        await resetting.stop();
      }
    });
  });
});
