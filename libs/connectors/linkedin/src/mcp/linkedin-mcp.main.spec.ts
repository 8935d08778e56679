import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { builtEntry, connectStdioEntry, INITIALIZE_REQUEST, postJsonRpc, runEntryToExit, startMcpHttpEntry, type AppProcess } from '@junction/testing';
import { LinkedInSandbox } from '../sandbox/linkedin.sandbox';

/** The compiled entry, started as an operator would (`npm run build` puts it there). */
const { entry: ENTRY, describeIfBuilt } = builtEntry('dist/libs/connectors/linkedin/src/mcp/linkedin-mcp.main.js', 'LinkedIn MCP entry');
const AUTH = 'mcp-bearer-token-for-tests-0001';

describeIfBuilt('linkedin-mcp.main (compiled entry)', () => {
  it('stdio without a token: wraps its own sandbox, lists the spec tools and verifies the sandbox organization', async () => {
    const { client, stderr } = await connectStdioEntry(ENTRY);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'linkedin-mcp' });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['verify_organization', 'post_company_update', 'get_post_analytics']));
      const verified = await client.callTool({ name: 'verify_organization', arguments: { organization_id: 1001 } });
      expect(verified.structuredContent).toMatchObject({ verified: true });
      expect(stderr()).toMatch(/NO LINKEDIN_ACCESS_TOKEN: wrapping the LinkedIn SANDBOX at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await client.close();
    }
  });

  it('stdio with LINKEDIN_ACCESS_TOKEN (what a connection’s secretEnv gives it): posts to that API as that member', async () => {
    const sandbox = new LinkedInSandbox();
    await sandbox.start();
    const token = sandbox.issueTokens().access_token;
    const { client } = await connectStdioEntry(ENTRY, { LINKEDIN_ACCESS_TOKEN: token, LINKEDIN_API_URL: sandbox.url, LINKEDIN_VERSION: sandbox.latestVersion });
    try {
      const posted = await client.callTool({ name: 'post_company_update', arguments: { author: 'urn:li:organization:1001', commentary: 'From the stdio server' } });
      expect(sandbox.posts()).toEqual([expect.objectContaining({ id: (posted.structuredContent as { urn: string }).urn, commentary: 'From the stdio server' })]);
      expect(sandbox.requests.every((r) => (r.status ?? 500) < 300)).toBe(true);
    } finally {
      await client.close();
      await sandbox.stop();
    }
  });

  it('refuses to serve a real token over HTTP beyond loopback without MCP_AUTH_TOKEN', async () => {
    const { code, stderr } = await runEntryToExit(ENTRY, ['http'], { LINKEDIN_ACCESS_TOKEN: 'AQV-some-member-token', HOST: '0.0.0.0' });
    expect(code).toBe(2);
    expect(stderr).toMatch(/without MCP_AUTH_TOKEN/);
    expect(stderr).not.toContain('AQV-some-member-token');
  });

  describe('http with MCP_AUTH_TOKEN', () => {
    let server: AppProcess;
    let url: string;

    beforeAll(async () => {
      server = await startMcpHttpEntry(ENTRY, 'LinkedIn MCP server', { MCP_AUTH_TOKEN: AUTH });
      url = server.url;
    });
    afterAll(async () => {
      await server?.stop();
    });

    const initialize = (authorization?: string) => postJsonRpc(url, INITIALIZE_REQUEST, authorization ? { authorization } : {});

    it('answers 401 without the bearer token or with a wrong one', async () => {
      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${AUTH}`]) {
        const res = await initialize(authorization);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toBe('Bearer');
        expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001 } });
      }
    });

    it('serves a session to the right token: posts, then DELETE ends the session', async () => {
      const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers: { authorization: `Bearer ${AUTH}` } } });
      const client = new Client({ name: 'junction-test', version: '0.0.0' });
      await client.connect(transport);
      const posted = await client.callTool({ name: 'post_company_update', arguments: { author: 'urn:li:organization:1001', commentary: 'Over HTTP' } });
      expect(posted.structuredContent).toEqual({ urn: expect.stringMatching(/^urn:li:share:\d+$/) });
      const found = await client.callTool({ name: 'get_posts_by_author', arguments: { author: 'urn:li:organization:1001' } });
      expect((found.structuredContent as { posts: { commentary: string }[] }).posts.map((p) => p.commentary)).toContain('Over HTTP');
      const sessionId = transport.sessionId!;
      await transport.terminateSession();
      await client.close();
      const stale = await postJsonRpc(url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { authorization: `Bearer ${AUTH}`, 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
      expect(stale.status).toBe(404);
    });
  });
});
