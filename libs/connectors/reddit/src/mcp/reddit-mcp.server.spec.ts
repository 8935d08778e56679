import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectInMemory } from '@junction/testing';
import { analyzeSentiment } from '../analysis/reddit-sentiment';
import { RedditClient } from '../reddit.client';
import { RedditSandbox } from '../sandbox/reddit.sandbox';
import { createRedditMcpServer } from './reddit-mcp.server';
import { REDDIT_MCP_SERVER_TOOLS } from './reddit-mcp.tools';

const UA = 'linux:junction-tests:v1.0 (by /u/junction)';

/** The real SDK client against the Reddit MCP server, which reads the Reddit sandbox over HTTP. */
describe('Reddit MCP server (SDK client, in-memory transport, Reddit sandbox)', () => {
  const sandbox = new RedditSandbox({ clients: { 'sandbox-client': 'sandbox-secret-value' } });
  let rest: RedditClient;
  let mcp: Client;

  beforeAll(async () => {
    await sandbox.start();
    rest = new RedditClient({ authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret-value', userAgent: UA, timeoutMs: 2_000 });
    mcp = await connectInMemory(createRedditMcpServer(rest, { rateLimit: () => rest.rateLimit }));
  });
  afterAll(async () => {
    await mcp.close();
    await sandbox.stop();
  });
  beforeEach(() => {
    sandbox.reset();
    sandbox.faults.clear();
  });

  const call = (name: string, args: Record<string, unknown> = {}) => mcp.callTool({ name, arguments: args });

  it('lists the spec tools with input and output schemas, all read-only and idempotent', async () => {
    const { tools } = await mcp.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['analyze_sentiment', 'get_post_comments', 'get_subreddit_posts', 'search_posts']);
    expect([...byName.keys()].sort()).toEqual(Object.values(REDDIT_MCP_SERVER_TOOLS).sort());
    for (const tool of tools) {
      expect(tool.inputSchema.type).toBe('object');
      expect(tool.outputSchema?.type).toBe('object');
      expect(tool.annotations).toEqual({ readOnlyHint: true, idempotentHint: true, openWorldHint: true });
    }
    expect(byName.get('get_subreddit_posts')!.inputSchema).toMatchObject({ properties: { sort: { enum: ['new', 'hot', 'top'] }, limit: { maximum: 100 } }, required: ['subreddit'] });
    expect(byName.get('search_posts')!.inputSchema.required).toEqual(['query']);
    expect(byName.get('get_post_comments')!.inputSchema.required).toEqual(['post_id']);
    expect(byName.get('analyze_sentiment')!.inputSchema.required).toBeUndefined();
  });

  it('get_subreddit_posts pages with after, reports X-Ratelimit in _meta; structured output and text agree', async () => {
    sandbox.seedPosts('junction', 5);
    const first = await call('get_subreddit_posts', { subreddit: 'junction', limit: 3 });
    const page = first.structuredContent as { posts: { title: string; fullname: string }[]; after: string | null };
    expect(page.posts.map((p) => p.title)).toEqual(['Post 5', 'Post 4', 'Post 3']);
    expect(page.after).toBe(page.posts[2]!.fullname);
    expect(first.content).toEqual([{ type: 'text', text: JSON.stringify(first.structuredContent) }]);
    expect(first._meta).toEqual({ rateLimit: { remaining: expect.any(Number), resetInMs: expect.any(Number) } });
    const rest2 = await call('get_subreddit_posts', { subreddit: 'junction', limit: 3, after: page.after });
    expect((rest2.structuredContent as { posts: { title: string }[]; after: string | null }).posts.map((p) => p.title)).toEqual(['Post 2', 'Post 1']);
  });

  it('search_posts and get_post_comments', async () => {
    sandbox.seedPosts('junction', [{ title: 'Webhook retries' }, { title: 'Broker sizing' }]);
    const [post] = sandbox.seedPosts('other', [{ title: 'Webhook outage' }]);
    sandbox.seedComments(post!.id, [{ body: 'first' }, { body: 'second' }]);
    const found = await call('search_posts', { query: 'webhook', sort: 'new' });
    expect((found.structuredContent as { posts: { title: string }[] }).posts.map((p) => p.title).sort()).toEqual(['Webhook outage', 'Webhook retries']);
    const within = await call('search_posts', { query: 'webhook', subreddit: 'junction' });
    expect((within.structuredContent as { posts: { subreddit: string }[] }).posts.map((p) => p.subreddit)).toEqual(['junction']);
    const thread = await call('get_post_comments', { post_id: `t3_${post!.id}` });
    expect(thread.structuredContent).toMatchObject({ post: { id: post!.id, title: 'Webhook outage' }, comments: [{ body: 'first', depth: 0 }, { body: 'second', depth: 0 }], more: { stubs: 0 } });
  });

  it('analyze_sentiment scores a post’s comments, a search and a subreddit with the analyzer’s scorer', async () => {
    const [post] = sandbox.seedPosts('moods', [{ title: 'How is the release?' }]);
    sandbox.seedComments(post!.id, [{ body: 'This is terrible, it broke everything. Awful.' }, { body: 'What version are you on?' }, { body: 'I love it, fantastic work!' }]);
    const comments = await call('analyze_sentiment', { post_id: post!.id });
    const expected = analyzeSentiment([
      { fullname: expect.any(String) as unknown as string, kind: 'comment', text: 'This is terrible, it broke everything. Awful.' },
      { fullname: expect.any(String) as unknown as string, kind: 'comment', text: 'What version are you on?' },
      { fullname: expect.any(String) as unknown as string, kind: 'comment', text: 'I love it, fantastic work!' },
    ]);
    expect(comments.structuredContent).toEqual({ source: { kind: 'post-comments', subreddit: null, query: null, postId: post!.id }, ...expected });
    expect((comments.structuredContent as { aggregate: { positive: { count: number }; negative: { count: number } } }).aggregate).toMatchObject({ positive: { count: 1 }, negative: { count: 1 } });

    sandbox.seedPosts('moods', [{ title: 'Awful outage, furious' }, { title: 'Great docs, thank you', selftext: 'excellent' }]);
    const subreddit = await call('analyze_sentiment', { subreddit: 'moods', limit: 2 });
    expect(subreddit.structuredContent).toMatchObject({ source: { kind: 'subreddit', subreddit: 'moods' }, aggregate: { count: 2, positive: { count: 1 }, negative: { count: 1 } } });
    const search = await call('analyze_sentiment', { query: 'outage', subreddit: 'moods' });
    expect(search.structuredContent).toMatchObject({ source: { kind: 'search', subreddit: 'moods', query: 'outage' }, aggregate: { count: 1, negative: { count: 1 } } });

    for (const args of [{}, { post_id: post!.id, subreddit: 'moods' }]) {
      const refused = await call('analyze_sentiment', args);
      expect(refused).toMatchObject({ isError: true, _meta: { errorClass: 'validation' } });
    }
  });

  it('failures are classified error results: 404, 429 with the reset, 5xx; the secret is never echoed; bad arguments never reach Reddit', async () => {
    expect(await call('get_post_comments', { post_id: 'zzzzzz' })).toMatchObject({ isError: true, _meta: { httpStatus: 404, errorClass: 'not_found' } });
    sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 7 } });
    sandbox.seedPosts('junction', 1);
    expect(await call('get_subreddit_posts', { subreddit: 'junction' })).toMatchObject({ isError: true, _meta: { httpStatus: 429, errorClass: 'rate_limit', retryAfterMs: 7_000 } });
    sandbox.faults.set({ failNext: { count: 1, status: 503 } });
    const unavailable = await call('search_posts', { query: 'x' });
    expect(unavailable).toMatchObject({ isError: true, _meta: { httpStatus: 503, errorClass: 'server' } });
    expect((unavailable.content as { text: string }[])[0]!.text).toMatch(/^Reddit search failed \(503\)/);

    const wrongSecret = new RedditClient({ authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: 'sandbox-client', clientSecret: 'not-the-secret-value', userAgent: UA });
    const other = await connectInMemory(createRedditMcpServer(wrongSecret));
    try {
      const refused = await other.callTool({ name: 'get_subreddit_posts', arguments: { subreddit: 'junction' } });
      expect(refused).toMatchObject({ isError: true, _meta: { httpStatus: 401, errorClass: 'auth' } });
      expect(JSON.stringify(refused)).not.toContain('not-the-secret-value');
    } finally {
      await other.close();
    }

    const before = sandbox.requests.length;
    for (const [name, args] of [
      ['get_subreddit_posts', { subreddit: 'r/with a space' }],
      ['get_subreddit_posts', { subreddit: 'junction', limit: 101 }],
      ['get_post_comments', { post_id: 'NOT-AN-ID' }],
    ] as const) {
      const result = await call(name, args);
      expect(result.isError).toBe(true);
      expect(JSON.stringify(result.content)).toMatch(/Input validation error/);
    }
    expect(sandbox.requests.length).toBe(before);
  });
});
