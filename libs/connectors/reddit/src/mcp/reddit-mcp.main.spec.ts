import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { builtEntry, connectStdioEntry, INITIALIZE_REQUEST, postJsonRpc, runEntryToExit, startMcpHttpEntry, type AppProcess } from '@junction/testing';
import { RedditSandbox } from '../sandbox/reddit.sandbox';

/** The compiled entry, started as an operator would (`npm run build` puts it there). */
const { entry: ENTRY, describeIfBuilt } = builtEntry('dist/libs/connectors/reddit/src/mcp/reddit-mcp.main.js', 'Reddit MCP entry');
const KEY = 'reddit-mcp-api-key-for-tests';

describeIfBuilt('reddit-mcp.main (compiled entry)', () => {
  it('stdio without credentials: wraps its own sandbox (seeded r/junction) and analyses it', async () => {
    const { client, stderr } = await connectStdioEntry(ENTRY);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'reddit-mcp' });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(['analyze_sentiment', 'get_post_comments', 'get_subreddit_posts', 'search_posts']);
      const page = await client.callTool({ name: 'get_subreddit_posts', arguments: { subreddit: 'junction', limit: 100 } });
      expect((page.structuredContent as { posts: unknown[] }).posts).toHaveLength(100);
      const mood = await client.callTool({ name: 'analyze_sentiment', arguments: { subreddit: 'junction', limit: 150 } });
      expect(mood.structuredContent).toMatchObject({ aggregate: { count: 150 } });
      expect(stderr()).toMatch(/wrapping the Reddit SANDBOX at http:\/\/127\.0\.0\.1:\d+ \(seeded r\/junction\)/);
    } finally {
      await client.close();
    }
  });

  it('stdio with REDDIT_CLIENT_ID/SECRET (what a connection’s secretEnv gives it): reads that API as that app', async () => {
    const sandbox = new RedditSandbox({ clients: { 'app-id': 'app-secret-value' } });
    await sandbox.start();
    sandbox.seedPosts('mine', 3);
    const { client } = await connectStdioEntry(ENTRY, { REDDIT_CLIENT_ID: 'app-id', REDDIT_CLIENT_SECRET: 'app-secret-value', REDDIT_AUTH_URL: sandbox.url, REDDIT_API_URL: sandbox.url });
    try {
      const page = await client.callTool({ name: 'get_subreddit_posts', arguments: { subreddit: 'mine' } });
      expect((page.structuredContent as { posts: { title: string }[] }).posts.map((p) => p.title)).toEqual(['Post 3', 'Post 2', 'Post 1']);
      expect(sandbox.tokensIssued).toEqual([expect.objectContaining({ clientId: 'app-id' })]);
    } finally {
      await client.close();
      await sandbox.stop();
    }
  });

  it('refuses to serve real credentials over HTTP beyond loopback without MCP_API_KEY', async () => {
    const { code, stderr } = await runEntryToExit(ENTRY, ['http'], { REDDIT_CLIENT_ID: 'id', REDDIT_CLIENT_SECRET: 'secret', HOST: '0.0.0.0' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/without MCP_API_KEY/);
  });

  describe('http with MCP_API_KEY', () => {
    let server: AppProcess;
    let url: string;

    beforeAll(async () => {
      server = await startMcpHttpEntry(ENTRY, 'Reddit MCP server', { MCP_API_KEY: KEY });
      url = server.url;
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('answers 401 without the key; serves a session with it (X-API-Key, what an api_key connection sends)', async () => {
      for (const headers of [{}, { 'x-api-key': 'wrong' }] as Record<string, string>[]) {
        const res = await postJsonRpc(url, INITIALIZE_REQUEST, headers);
        expect(res.status).toBe(401);
        expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001 } });
      }
      const client = new Client({ name: 'junction-test', version: '0.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { 'X-API-Key': KEY } } }));
      try {
        const found = await client.callTool({ name: 'search_posts', arguments: { query: 'the', subreddit: 'junction', limit: 5 } });
        expect((found.structuredContent as { posts: unknown[] }).posts.length).toBeGreaterThan(0);
      } finally {
        await client.close();
      }
    });
  });
});
