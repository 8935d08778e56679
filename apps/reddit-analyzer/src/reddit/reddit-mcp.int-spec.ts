import { randomBytes } from 'node:crypto';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { ConnectionService, IntegrationCatalog } from '@junction/integrations';
import { MessageDispatcher } from '@junction/messaging';
import { formatKeyEntry } from '@junction/security';
import { builtEntry, deliveredMessage, processAlive, RecordingMcpClients, waitUntil } from '@junction/testing';
import { AnalyzeSentimentHandler } from '../analysis/usecases/analyze-sentiment/analyze-sentiment.handler';
import { GetPostCommentsHandler } from '../posts/usecases/get-post-comments/get-post-comments.handler';
import { GetSubredditPostsHandler } from '../posts/usecases/get-subreddit-posts/get-subreddit-posts.handler';
import { startRedditAnalyzerHarness, TEST_USER_AGENT, type RedditAnalyzerHarness } from '../testing/reddit-analyzer.harness';

/** The Reddit MCP server's compiled entry: what an operator lists in MCP_STDIO_COMMANDS is the node binary running it. */
const { entry: ENTRY, describeIfBuilt } = builtEntry('dist/libs/connectors/reddit/src/mcp/reddit-mcp.main.js', 'reddit-analyzer MCP');
const QUIET = { log: () => undefined, warn: () => undefined, error: () => undefined };
const deliveryOf = (message: AnyMessage) => deliveredMessage(message, { topic: 'reddit.commands', subscription: 'reddit-analyzer' });

type Event = { type: string; payload: Record<string, unknown> };

/**
 * The same commands on two tenants of one analyzer: one with a REST reddit connection, one with `transport: mcp` whose
 * stdio server (the Reddit MCP entry, spawned by the analyzer) gets the connection's client id and secret through
 * `config.mcp.secretEnv` and reads the same Reddit sandbox. Only the reads cross MCP: sentiment is scored here.
 */
describeIfBuilt('reddit-analyzer: a transport mcp connection reads through a stdio Reddit MCP server, same events as REST', () => {
  const mcp = new RecordingMcpClients();
  let h: RedditAnalyzerHarness;

  beforeAll(async () => {
    h = await startRedditAnalyzerHarness({ kek: formatKeyEntry('test', randomBytes(32)), mcp: { clients: mcp, stdioCommands: [process.execPath] }, timeoutMs: 10_000 });
    await h.moduleRef.get(IntegrationCatalog).ensureSynced();
    const create = (tenantId: string, body: Record<string, unknown>) =>
      h.moduleRef.get(ConnectionService).create({ tenantId, actor: 'test' }, { type: 'reddit', authMethod: 'api_key', credential: { apiKey: 'sandbox-client', apiSecret: 'sandbox-secret' }, ...body });
    await create('tenant-rest', { name: 'reddit-rest', config: { authBaseUrl: h.sandbox.url, apiBaseUrl: h.sandbox.url, userAgent: TEST_USER_AGENT } });
    await create('tenant-mcp', {
      name: 'reddit-mcp',
      config: {
        transport: 'mcp',
        mcp: {
          command: process.execPath,
          args: [ENTRY, 'stdio'],
          // Not secrets (config is shown): where the server's Reddit is. The app's id and secret arrive through secretEnv.
          env: { REDDIT_AUTH_URL: h.sandbox.url, REDDIT_API_URL: h.sandbox.url, REDDIT_USER_AGENT: TEST_USER_AGENT },
          secretEnv: { REDDIT_CLIENT_ID: 'apiKey', REDDIT_CLIENT_SECRET: 'apiSecret' },
        },
      },
    });
  });
  afterAll(async () => {
    await h?.close();
    await mcp.closeAll();
  });

  const events = async (id: string): Promise<Event[]> => (await h.events(id)).map((e) => e.body as Event);
  const session = () => {
    expect(mcp.built).toHaveLength(1);
    return mcp.built[0]!;
  };
  /** The payload without what differs per command. */
  const comparable = (payload: Record<string, unknown>) => ({ ...payload, commandId: '<id>', resultId: '<id>' });

  it('reddit.subreddit-posts.get: the same event and stored result either way, one tools/call per page; a duplicate delivery reads and stores nothing more', async () => {
    h.sandbox.seedCorpus('listing', { posts: 150, seed: 11 });
    const handler = h.moduleRef.get(GetSubredditPostsHandler);
    const dispatcher = new MessageDispatcher(() => (m: AnyMessage) => handler.execute(m as never), { maxDeliveryCount: 10, logger: QUIET });
    const answers: Record<string, unknown>[] = [];
    const stored: unknown[] = [];
    for (const tenantId of ['tenant-rest', 'tenant-mcp']) {
      const c = createMessage('reddit.subreddit-posts.get', { subreddit: 'listing', sort: 'new', limit: 120 }, { tenantId });
      expect(await dispatcher.dispatch(deliveryOf(c))).toEqual({ action: 'complete' });
      const requests = h.sandbox.requests.length;
      expect(await dispatcher.dispatch({ ...deliveryOf(c), deliveryCount: 2 })).toEqual({ action: 'complete' });
      expect(h.sandbox.requests.length).toBe(requests);

      const answered = await events(c.id);
      expect(answered.map((e) => e.type)).toEqual(['reddit.subreddit-posts.retrieved']);
      answers.push(comparable(answered[0]!.payload));
      const rows = await h.db.prisma.redditAnalysis.findMany({ where: { commandId: c.id } });
      expect(rows).toHaveLength(1);
      stored.push({ itemCount: rows[0]!.itemCount, result: rows[0]!.result });
    }
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({ total: 120, omitted: 70 });
    expect(stored[1]).toEqual(stored[0]);
    // 120 posts = a page of 100 and one of 20, each one get_subreddit_posts on the analyzer's stdio server.
    expect(session().pid).toEqual(expect.any(Number));
    expect(session().stats).toMatchObject({ sessionsOpened: 1, toolCalls: 2 });
  });

  it('reddit.sentiment.analyze over a post’s comments: fetched over MCP (get_post_comments), scored here, the same analysis', async () => {
    const [post] = h.sandbox.seedPosts('moods', 1);
    h.sandbox.seedComments(post!.id, [
      { body: 'This is terrible, it broke everything. Awful.' },
      { body: 'What version are you on?' },
      { body: 'I love it, fantastic work, thank you!' },
      { body: 'Great improvement, happy with it' },
    ]);
    const before = session().stats.toolCalls;
    const answers: Record<string, unknown>[] = [];
    for (const tenantId of ['tenant-rest', 'tenant-mcp']) {
      const c = createMessage('reddit.sentiment.analyze', { source: { kind: 'post-comments', postId: post!.id, limit: 200 } }, { tenantId });
      await h.moduleRef.get(AnalyzeSentimentHandler).execute(c);
      const [answer] = await events(c.id);
      expect(answer).toMatchObject({ type: 'reddit.sentiment.analyzed', payload: { aggregate: { count: 4, positive: { count: 2 }, neutral: { count: 1 }, negative: { count: 1 } } } });
      answers.push(comparable(answer!.payload));
    }
    expect(answers[1]).toEqual(answers[0]);
    // One read over MCP; analyze_sentiment on the server is for other MCP clients, never called by the analyzer.
    expect(session().stats.toolCalls).toBe(before + 1);
  });

  it('what Reddit refuses is answered the same way over MCP: a missing post is reddit.post-comments.get.failed PROVIDER_NOT_FOUND', async () => {
    const answers: Record<string, unknown>[] = [];
    for (const tenantId of ['tenant-rest', 'tenant-mcp']) {
      const c = createMessage('reddit.post-comments.get', { postId: 'zzzzzz', limit: 50 }, { tenantId });
      await h.moduleRef.get(GetPostCommentsHandler).execute(c);
      const [answer] = await events(c.id);
      expect(answer).toMatchObject({ type: 'reddit.post-comments.get.failed', payload: { code: 'PROVIDER_NOT_FOUND', errorClass: 'not_found', deadLettered: false } });
      answers.push({ ...answer!.payload, commandId: '<id>' });
    }
    expect(answers[1]).toEqual(answers[0]);
  });

  it('closeAll (the analyzer’s shutdown) ends the stdio server', async () => {
    const pid = session().pid!;
    await mcp.closeAll();
    await waitUntil(() => !processAlive(pid), 5_000, `stdio server ${pid} gone`);
    expect(processAlive(pid)).toBe(false);
  });
});
