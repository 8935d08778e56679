import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { builtEntry, connectStdioEntry, postJsonRpc, startMcpHttpEntry, type AppProcess } from '@junction/testing';

/** The compiled entry, started as an operator would (`npm run build` puts it there). */
const { entry: ENTRY, describeIfBuilt } = builtEntry('dist/libs/connectors/erpnext/src/mcp/erpnext-mcp.main.js', 'ERPNext MCP entry');

describeIfBuilt('erpnext-mcp.main (compiled entry)', () => {
  it('stdio: the SDK client spawns it, lists tools and creates a customer in the built-in sandbox', async () => {
    const { client, stderr } = await connectStdioEntry(ENTRY);
    try {
      expect(client.getServerVersion()).toMatchObject({ name: 'erpnext-mcp' });
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['create_customer', 'get_document', 'get_stock_balance']));
      const created = await client.callTool({ name: 'create_customer', arguments: { customer_name: 'Stdio Ltd', customer_type: 'Company' } });
      expect(created.structuredContent).toEqual({ customer: { name: 'Stdio Ltd', customer_name: 'Stdio Ltd' } });
      const found = await client.callTool({ name: 'find_customer', arguments: { customer_name: 'Stdio Ltd' } });
      expect(found.structuredContent).toEqual({ customer: { name: 'Stdio Ltd', customer_name: 'Stdio Ltd' } });
      expect(stderr()).toMatch(/wrapping the ERPNext REST sandbox at http:\/\/127\.0\.0\.1:\d+/);
    } finally {
      await client.close();
    }
  });

  describe('http', () => {
    let server: AppProcess;
    let url: string;

    beforeAll(async () => {
      server = await startMcpHttpEntry(ENTRY, 'ERPNext MCP sandbox');
      url = server.url;
    });
    afterAll(async () => {
      await server?.stop();
    });

    it('serves a stateful session; DELETE ends it, and its id then gets 404 with a JSON-RPC error', async () => {
      const transport = new StreamableHTTPClientTransport(new URL(url));
      const client = new Client({ name: 'junction-test', version: '0.0.0' });
      await client.connect(transport);
      const sessionId = transport.sessionId!;
      expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
      const created = await client.callTool({ name: 'create_customer', arguments: { customer_name: 'Http Ltd', customer_type: 'Individual' } });
      expect(created.structuredContent).toEqual({ customer: { name: 'Http Ltd', customer_name: 'Http Ltd' } });

      await transport.terminateSession();
      await client.close();
      const stale = await postJsonRpc(url, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' });
      expect(stale.status).toBe(404);
      expect(await stale.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
    });

    it('keeps sessions apart but shares the site: a second session sees the first one’s customer', async () => {
      const clients = [new Client({ name: 'a', version: '0' }), new Client({ name: 'b', version: '0' })];
      const transports = clients.map(() => new StreamableHTTPClientTransport(new URL(url)));
      await Promise.all(clients.map((c, i) => c.connect(transports[i]!)));
      try {
        expect(transports[0]!.sessionId).not.toBe(transports[1]!.sessionId);
        await clients[0]!.callTool({ name: 'create_customer', arguments: { customer_name: 'Shared Ltd', customer_type: 'Company' } });
        const found = await clients[1]!.callTool({ name: 'find_customer', arguments: { customer_name: 'Shared Ltd' } });
        expect(found.structuredContent).toEqual({ customer: { name: 'Shared Ltd', customer_name: 'Shared Ltd' } });
      } finally {
        await Promise.all(clients.map((c) => c.close()));
      }
    });

    it('answers 400 to a request without a session that is not initialize, and 404 off /mcp', async () => {
      const noSession = await postJsonRpc(url, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
      expect(noSession.status).toBe(400);
      expect(await noSession.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
      expect((await fetch(url.replace('/mcp', '/other'))).status).toBe(404);
    });
  });
});
