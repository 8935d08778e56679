import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { INITIALIZE_REQUEST, postJsonRpc } from '@junction/testing';
import { serveProviderMcpHttp, type ProviderMcpHttpOptions, type ProviderMcpHttpServer } from './provider-mcp-http';

/** A one-tool server, as a provider's factory builds one per session. */
function echoServer(): McpServer {
  const server = new McpServer({ name: 'echo-mcp', version: '0.0.0' });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
  return server;
}

describe('serveProviderMcpHttp (Streamable HTTP host of the provider MCP servers)', () => {
  const servers: ProviderMcpHttpServer[] = [];
  const serve = async (options: ProviderMcpHttpOptions = {}) => {
    const server = await serveProviderMcpHttp(echoServer, options);
    servers.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function echoOver(url: string, headers: Record<string, string> = {}): Promise<unknown> {
    const client = new Client({ name: 'junction-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
    try {
      return (await client.callTool({ name: 'echo', arguments: { text: 'hi' } })).content;
    } finally {
      await client.close();
    }
  }

  it('without auth: one session per client, each with its own McpServer; an unknown session id gets 404, off /mcp 404, PUT 405', async () => {
    const http = await serve();
    expect(http.url).toBe(`http://127.0.0.1:${http.port}/mcp`);
    expect(await echoOver(http.url)).toEqual([{ type: 'text', text: 'hi' }]);

    const stale = await postJsonRpc(http.url, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, { 'mcp-session-id': 'no-such-session', 'mcp-protocol-version': '2025-06-18' });
    expect(stale.status).toBe(404);
    expect(await stale.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001, message: 'Session not found' }, id: null });
    const noSession = await postJsonRpc(http.url, { jsonrpc: '2.0', id: 3, method: 'tools/list' });
    expect(noSession.status).toBe(400);
    expect((await fetch(http.url.replace('/mcp', '/other'))).status).toBe(404);
    const put = await fetch(http.url, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, DELETE');
  });

  it('bearer: 401 with WWW-Authenticate before any session is looked at, for no token, a wrong one, or another scheme', async () => {
    const http = await serve({ auth: { scheme: 'bearer', token: 'right-token-0123456789' } });
    for (const headers of [{}, { authorization: 'Bearer wrong-token-0123456789' }, { authorization: 'Basic right-token-0123456789' }, { 'mcp-session-id': 'any' }] as Record<string, string>[]) {
      const res = await postJsonRpc(http.url, INITIALIZE_REQUEST, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32001, message: 'Unauthorized: a valid bearer token is required' } });
    }
    expect(http.sessionCount()).toBe(0);
    expect(await echoOver(http.url, { authorization: 'bearer right-token-0123456789' })).toEqual([{ type: 'text', text: 'hi' }]);
  });

  it('api-key: the key alone in the named header (any case), 401 naming the header otherwise', async () => {
    const http = await serve({ auth: { scheme: 'api-key', header: 'X-Junction-Key', key: 'right-key-0123456789' } });
    for (const headers of [{}, { 'x-junction-key': 'wrong-key-0123456789' }, { 'x-api-key': 'right-key-0123456789' }] as Record<string, string>[]) {
      const res = await postJsonRpc(http.url, INITIALIZE_REQUEST, headers);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(await res.json()).toMatchObject({ error: { code: -32001, message: 'Unauthorized: a valid x-junction-key header is required' } });
    }
    expect(await echoOver(http.url, { 'X-Junction-Key': 'right-key-0123456789' })).toEqual([{ type: 'text', text: 'hi' }]);
  });

  it('refuses to start with an empty secret rather than serve everyone', async () => {
    await expect(serve({ auth: { scheme: 'bearer', token: '' } })).rejects.toThrow(/secret is empty/);
    await expect(serve({ auth: { scheme: 'api-key', header: 'x-api-key', key: '' } })).rejects.toThrow(/secret is empty/);
  });

  it('413 above maxBodyBytes, 400 for a body that is not JSON', async () => {
    const http = await serve({ maxBodyBytes: 1_000 });
    const large = await postJsonRpc(http.url, { ...INITIALIZE_REQUEST, padding: 'x'.repeat(2_000) });
    expect(large.status).toBe(413);
    expect(await large.json()).toMatchObject({ error: { code: -32600, message: 'Request body too large' } });
    const garbled = await fetch(http.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' });
    expect(garbled.status).toBe(400);
    expect(await garbled.json()).toMatchObject({ error: { code: -32700 } });
  });
});
