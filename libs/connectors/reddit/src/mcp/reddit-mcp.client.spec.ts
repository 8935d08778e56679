import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { IntegrationError, type ProviderLimitObservation } from '@junction/resilience';
import { connectInMemory, fakeCallTool, integrationFailure as failure, sdkCallTool, textBlock as text } from '@junction/testing';
import { collectPages, RedditClient } from '../reddit.client';
import type { RedditPort } from '../reddit.port';
import type { RedditCallOptions } from '../reddit.types';
import { RedditSandbox } from '../sandbox/reddit.sandbox';
import { RedditMcpClient } from './reddit-mcp.client';
import { createRedditMcpServer } from './reddit-mcp.server';
import type { McpToolResult } from './reddit-mcp.tools';

const UA = 'linux:junction-tests:v1.0 (by /u/junction)';

describe('RedditMcpClient against the Reddit MCP server (same results and errors as RedditClient)', () => {
  const clock = Date.parse('2026-03-01T10:00:00Z');
  const sandbox = new RedditSandbox({ now: () => new Date(clock) });
  let rest: RedditClient;
  let sdk: Client;
  let viaMcp: RedditMcpClient;

  beforeAll(async () => {
    await sandbox.start();
    const serverSide = new RedditClient({ authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', userAgent: UA, timeoutMs: 2_000 });
    rest = new RedditClient({ authBaseUrl: sandbox.url, apiBaseUrl: sandbox.url, clientId: 'sandbox-client', clientSecret: 'sandbox-secret', userAgent: UA, timeoutMs: 2_000 });
    sdk = await connectInMemory(createRedditMcpServer(serverSide, { rateLimit: () => serverSide.rateLimit }));
    viaMcp = new RedditMcpClient({ callTool: sdkCallTool(sdk) });
  });
  afterAll(async () => {
    await sdk.close();
    await sandbox.stop();
  });

  /** The same script through each port over one seeded sandbox (reads only: nothing to reset between them). */
  async function same<T>(script: (port: RedditPort) => Promise<T>): Promise<T> {
    const expected = await script(rest);
    const actual = await script(viaMcp);
    expect(actual).toEqual(expected);
    return actual;
  }

  it('subredditPostsPage (new, top with t, hot; paged by the caller with after), searchPage, postComments', async () => {
    sandbox.reset();
    const posts = sandbox.seedCorpus('community', { posts: 60, seed: 3 });
    const listed = await same(async (p) => [
      await collectPages(45, (after, limit) => p.subredditPostsPage('community', { sort: 'new', after, limit })),
      await p.subredditPostsPage('community', { sort: 'top', time: 'all', limit: 5 }),
      await p.subredditPostsPage('community', { sort: 'hot' }),
      await p.searchPage('the', { subreddit: 'community', sort: 'new', limit: 10 }),
      await p.searchPage('zzz-nothing', {}),
    ]);
    expect((listed[0] as { items: unknown[] }).items).toHaveLength(45);
    expect((listed[2] as { items: unknown[] }).items).toHaveLength(25);
    const busiest = [...posts].sort((a, b) => b.num_comments - a.num_comments)[0]!;
    const thread = await same((p) => p.postComments(`t3_${busiest.id}`, { limit: 5, depth: 2 }));
    expect(thread.post.id).toBe(busiest.id);
    expect(thread.comments.length).toBeGreaterThan(0);
    await same((p) => p.postComments(busiest.id));
  });

  it('keeps every REST failure: class, status, operation label, message and retryAfterMs', async () => {
    sandbox.reset();
    sandbox.seedPosts('junction', 2);
    const cases: Array<[string, (p: RedditPort) => Promise<unknown>, () => void]> = [
      ['not_found', (p) => p.postComments('zzzzzz'), () => undefined],
      ['rate_limit', (p) => p.subredditPostsPage('junction', {}), () => sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: 4 } })],
      ['server', (p) => p.searchPage('post', {}), () => sandbox.faults.set({ failNext: { count: 1, status: 502 } })],
    ];
    for (const [errorClass, script, arrange] of cases) {
      arrange();
      const fromRest = await failure(script(rest));
      arrange();
      const fromMcp = await failure(script(viaMcp));
      expect(fromMcp).toMatchObject({ errorClass, provider: 'reddit', status: fromRest.status, operation: fromRest.operation, retryable: fromRest.retryable, retryAfterMs: fromRest.retryAfterMs });
      expect(fromMcp.message).toBe(fromRest.message);
      sandbox.faults.clear();
    }
  });

  it('reports the server’s X-Ratelimit view to observeLimits, as RedditClient reports the headers', async () => {
    sandbox.reset();
    sandbox.seedPosts('junction', 1);
    const seen: ProviderLimitObservation[] = [];
    await viaMcp.subredditPostsPage('junction', {}, { observeLimits: (o) => seen.push(o) });
    expect(seen).toEqual([{ remaining: expect.any(Number), resetAt: expect.any(Number) }]);
    expect(seen[0]!.remaining).toBeLessThan(100);
    expect(seen[0]!.resetAt!).toBeGreaterThanOrEqual(Date.now());
  });
});

describe('RedditMcpClient reading results (fake callTool)', () => {
  const fake = (result: McpToolResult | (() => Promise<McpToolResult>)) => fakeCallTool<RedditCallOptions>(result);

  it('sends RedditClient’s defaults explicitly, snake_case, to the mapped (or overridden) tool', async () => {
    const { calls, callTool } = fake({ content: [], structuredContent: { posts: [], after: null } });
    const client = new RedditMcpClient({ callTool, tools: { searchPage: 'reddit_search' } });
    const options = { headersTimeout: 500 };
    await client.subredditPostsPage('junction', { sort: 'top', after: 't3_a', limit: 500 }, options);
    await client.subredditPostsPage('junction', { after: null });
    await client.searchPage('q', { subreddit: 'junction' });
    expect(calls).toEqual([
      { name: 'get_subreddit_posts', args: { subreddit: 'junction', sort: 'top', time: 'day', limit: 100, after: 't3_a' }, options },
      { name: 'get_subreddit_posts', args: { subreddit: 'junction', sort: 'new', limit: 25 }, options: {} },
      { name: 'reddit_search', args: { query: 'q', subreddit: 'junction', sort: 'relevance', time: 'all', limit: 25 }, options: {} },
    ]);
  });

  it('a page reads `posts` into `items`; a JSON text block serves a server without structured output', async () => {
    const post = { id: 'a', fullname: 't3_a', subreddit: 's', title: 't', selftext: '', author: 'u', createdUtc: 1, score: 1, numComments: 0, permalink: '/p', url: 'https://x', domain: 'self.s', isSelf: true };
    const { callTool } = fake({ content: [text(JSON.stringify({ posts: [post], after: 't3_a' }))] });
    await expect(new RedditMcpClient({ callTool }).subredditPostsPage('s', {})).resolves.toEqual({ items: [post], after: 't3_a' });
  });

  it.each([
    [{ httpStatus: 404 }, 'not_found', 404],
    [{ httpStatus: 403 }, 'forbidden', 403],
    [{ httpStatus: 500 }, 'server', 500],
    [{ errorClass: 'rate_limit', httpStatus: 429, retryAfterMs: 3_000 }, 'rate_limit', 429],
  ])('classifies an error result from _meta %j as %s', async (meta, errorClass, status) => {
    const { callTool } = fake({ isError: true, content: [text('boom')], _meta: meta });
    const error = await failure(new RedditMcpClient({ callTool }).postComments('abc'));
    expect(error).toMatchObject({ errorClass, status, provider: 'reddit', operation: 'postComments' });
    expect(error.message).toBe(`Reddit postComments failed (MCP get_post_comments ${status}): boom`);
  });

  it.each([
    ['subreddit is private', 'client'],
    ['Too Many Requests', 'rate_limit'],
    ['no such post', 'not_found'],
    ['MCP error -32602: Input validation error: Invalid arguments for tool get_post_comments', 'validation'],
  ])('classifies an error result without _meta from its text %j as %s', async (message, errorClass) => {
    const { callTool } = fake({ isError: true, content: [text(message)] });
    expect(await failure(new RedditMcpClient({ callTool }).postComments('abc'))).toMatchObject({ errorClass });
  });

  it.each<[string, McpToolResult]>([
    ['no structured output and no JSON text', { content: [text('ok')] }],
    ['comments missing', { content: [], structuredContent: { post: {}, more: { stubs: 0, count: 0, continueThread: 0 }, maxDepth: 0 } }],
  ])('a malformed result (%s) is a permanent client error', async (_label, result) => {
    const { callTool } = fake(result);
    expect(await failure(new RedditMcpClient({ callTool }).postComments('abc'))).toMatchObject({ errorClass: 'client', retryable: false, message: 'Reddit postComments returned an unexpected MCP tool result' });
  });

  it('classifies a call that threw, re-labels libs/mcp’s errors for Reddit, and ignores a rate-limit _meta it cannot read', async () => {
    const timedOut = fake(() => Promise.reject(new McpError(ErrorCode.RequestTimeout, 'Request timed out')));
    expect(await failure(new RedditMcpClient(timedOut).searchPage('q', {}))).toMatchObject({ errorClass: 'timeout', retryable: true, operation: 'search', provider: 'reddit' });
    const stdioGone = Object.assign(new IntegrationError('network', 'MCP node tools/call search_posts: the server process exited', { provider: 'mcp', operation: 'tools/call search_posts' }), { code: 'MCP_UNREACHABLE' });
    expect(await failure(new RedditMcpClient(fake(() => Promise.reject(stdioGone))).searchPage('q', {}))).toMatchObject({ errorClass: 'network', provider: 'reddit', operation: 'search' });

    const observed: ProviderLimitObservation[] = [];
    const odd = fake({ content: [], structuredContent: { posts: [], after: null }, _meta: { rateLimit: { remaining: 'many' } } });
    await new RedditMcpClient(odd).subredditPostsPage('s', {}, { observeLimits: (o) => observed.push(o) });
    expect(observed).toEqual([]);
  });
});
