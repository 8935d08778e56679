/**
 * libs/mcp against the MCP reference server (`@modelcontextprotocol/server-everything`) as a real peer, over stdio
 * (a child process per client) and Streamable HTTP (a server process per suite).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ResiliencePipelines } from '@junction/resilience';
import { processAlive as alive, serverEverythingStdio, startServerEverythingHttp, waitUntil, type EverythingHttpServer } from '@junction/testing';
import { McpClient, McpCodes, type McpCallError, type McpClientOptions, type McpTarget } from './index';

const fastRestarts = { baseDelayMs: 50, maxDelayMs: 200 };

async function failure(promise: Promise<unknown>): Promise<McpCallError> {
  try {
    await promise;
  } catch (error) {
    return error as McpCallError;
  }
  throw new Error('expected the call to fail');
}

let http: EverythingHttpServer;
beforeAll(async () => {
  http = await startServerEverythingHttp();
});
afterAll(async () => {
  await http?.stop();
});

const targets: Array<[string, () => McpTarget]> = [
  ['stdio', () => ({ transport: 'stdio', ...serverEverythingStdio() })],
  ['streamable-http', () => ({ transport: 'streamable-http', url: http.url, headers: {} })],
];

describe.each(targets)('McpClient over %s (server-everything)', (_name, target) => {
  const clients: McpClient[] = [];
  const open = (options: Partial<McpClientOptions> = {}) => {
    const client = new McpClient({ target: target(), connection: 'everything', restartBackoff: fastRestarts, requestTimeoutMs: 15_000, ...options });
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });

  it('lists tools with their schemas, calls echo and get-sum, and reads resources and prompts (all pages)', async () => {
    const client = open({ pipelines: new ResiliencePipelines() });
    const tools = await client.tools();
    const names = tools.map((t) => t.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(tools.find((t) => t.name === 'get-sum')?.inputSchema).toMatchObject({ type: 'object', required: expect.arrayContaining(['a', 'b']) });

    const echo = await client.callTool('echo', { message: 'hello junction' });
    expect(echo.content).toEqual([{ type: 'text', text: 'Echo: hello junction' }]);
    const sum = await client.callTool('get-sum', { a: 2, b: 3 });
    expect(sum.content[0]).toMatchObject({ type: 'text', text: expect.stringContaining('is 5') });

    expect((await client.listResources()).length).toBeGreaterThan(0);
    expect((await client.listPrompts()).length).toBeGreaterThan(0);
    // The catalog is cached: listing again asks the server nothing.
    const requests = client.stats.requests;
    await client.tools();
    expect(client.stats.requests).toBe(requests);
  });

  it('turns an isError result into MCP_TOOL_ERROR, tried once', async () => {
    const client = open({ pipelines: new ResiliencePipelines() });
    const error = await failure(client.callTool('gzip-file-as-resource', { name: 'x.gz', data: 'ftp://example.com/file' }));
    expect(error).toMatchObject({ code: McpCodes.toolError, errorClass: 'client', retryable: false, provider: 'mcp' });
    expect(error.message).toMatch(/Unsupported URL protocol/);
    expect(client.stats.toolCalls).toBe(1);
  });

  it('refuses arguments outside the tool schema, and an unknown tool, without calling the server', async () => {
    const client = open();
    const bad = await failure(client.callTool('get-sum', { a: 'two', b: 3 }));
    expect(bad).toMatchObject({ code: McpCodes.invalidArguments, errorClass: 'validation', retryable: false });
    expect(bad.message).toMatch(/arguments\.a: must be number/);
    const missing = await failure(client.callTool('get-sum', { a: 1 }));
    expect(missing.message).toMatch(/must have required property 'b'/);
    const unknown = await failure(client.callTool('no-such-tool', {}));
    expect(unknown).toMatchObject({ code: McpCodes.toolNotFound, errorClass: 'not_found' });
    expect(client.stats.toolCalls).toBe(0);
  });

  it('reports healthy with latency and tool count', async () => {
    const health = await open().health();
    expect(health).toMatchObject({ status: 'healthy', toolCount: expect.any(Number) });
    expect(health.toolCount).toBeGreaterThanOrEqual(2);
    expect(health.latencyMs).toBeGreaterThanOrEqual(0);
  });
});

describe('McpClient over stdio: the server process', () => {
  const target = (): McpTarget => ({ transport: 'stdio', ...serverEverythingStdio() });

  it('is started again after it is killed between calls', async () => {
    const client = new McpClient({ target: target(), connection: 'everything', restartBackoff: fastRestarts });
    try {
      await client.callTool('echo', { message: 'one' });
      const first = client.pid!;
      process.kill(first, 'SIGKILL');
      await waitUntil(() => !alive(first), 5_000);
      await waitUntil(() => client.stats.sessionsLost === 1, 5_000);
      const again = await client.callTool('echo', { message: 'two' });
      expect(again.content).toEqual([{ type: 'text', text: 'Echo: two' }]);
      expect(client.pid).not.toBe(first);
      expect(client.stats).toMatchObject({ sessionsOpened: 2, sessionsLost: 1 });
    } finally {
      await client.close();
    }
  });

  it('killed mid-call: an idempotent tool is retried once on a restarted server', async () => {
    const client = new McpClient({ target: target(), connection: 'everything-mid-call', pipelines: new ResiliencePipelines(), restartBackoff: fastRestarts });
    try {
      await client.tools();
      const first = client.pid!;
      const call = client.callTool('trigger-long-running-operation', { duration: 2, steps: 2 });
      setTimeout(() => process.kill(first, 'SIGKILL'), 300);
      const result = await call;
      expect(result.content[0]).toMatchObject({ type: 'text', text: expect.stringMatching(/completed/i) });
      expect(client.pid).not.toBe(first);
      expect(client.stats.sessionsOpened).toBe(2);
    } finally {
      await client.close();
    }
  });

  it('lists tools again after the server says its list changed, and only then', async () => {
    // server-everything registers more tools once it knows the client's capabilities, and says so.
    const client = new McpClient({ target: target(), connection: 'everything-list-changed' });
    try {
      await client.tools();
      await waitUntil(() => client.stats.toolListChanges >= 1, 5_000);
      const afterChange = client.stats.requests;
      const tools = await client.tools();
      expect(client.stats.requests).toBe(afterChange + 1);
      expect(tools.map((t) => t.name)).toContain('simulate-research-query');
      await client.tools();
      expect(client.stats.requests).toBe(afterChange + 1);
    } finally {
      await client.close();
    }
  });

  it('a server that cannot start is unreachable, and close() leaves no child behind', async () => {
    const missing = new McpClient({ target: { transport: 'stdio', command: '/nonexistent/mcp-server', args: [] }, connection: 'missing' });
    const health = await missing.health(5_000);
    expect(health).toMatchObject({ status: 'unreachable', code: McpCodes.unreachable });
    expect(health.message).toMatch(/could not start the server \(ENOENT\)/);
    await missing.close();

    const client = new McpClient({ target: target(), connection: 'everything-close' });
    await client.tools();
    const pid = client.pid!;
    expect(alive(pid)).toBe(true);
    await client.close();
    await waitUntil(() => !alive(pid), 5_000);
    await expect(client.callTool('echo', { message: 'late' })).rejects.toMatchObject({ code: McpCodes.closed });
  });
});

describe('McpClient over Streamable HTTP: sessions and health', () => {
  it('re-initializes once when the server forgot the session, and the call goes through', async () => {
    const client = new McpClient({ target: { transport: 'streamable-http', url: http.url, headers: {} }, connection: 'everything-http' });
    try {
      await client.callTool('echo', { message: 'one' });
      const session = client.sessionId!;
      expect(session).toBeTruthy();
      // The server ends the session (as after its restart): our next request carries an id it no longer knows.
      const deleted = await fetch(http.url, { method: 'DELETE', headers: { 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } });
      expect(deleted.status).toBeLessThan(300);
      const again = await client.callTool('echo', { message: 'two' });
      expect(again.content).toEqual([{ type: 'text', text: 'Echo: two' }]);
      expect(client.sessionId).not.toBe(session);
      expect(client.stats).toMatchObject({ sessionsOpened: 2, sessionsLost: 1 });
    } finally {
      await client.close();
    }
  });

  describe('health tells failures apart', () => {
    let server: Server;
    let base: string;
    beforeAll(async () => {
      server = createServer((req, res) => {
        if (req.url?.startsWith('/auth')) {
          res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' }).end('{"error":"unauthorized"}');
        } else if (req.url?.startsWith('/forbidden')) {
          res.writeHead(403, { 'content-type': 'application/json' }).end('{"error":"forbidden"}');
        } else {
          res.writeHead(200, { 'content-type': 'text/html' }).end('<html>not mcp</html>');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(async () => {
      await new Promise((resolve) => server.close(resolve));
    });

    const health = async (url: string, headers: Record<string, string> = {}) => {
      const client = new McpClient({ target: { transport: 'streamable-http', url: new URL(url), headers }, connection: 'probe' });
      try {
        return await client.health(5_000);
      } finally {
        await client.close();
      }
    };

    it('auth_failed on 401 and 403, never quoting the token', async () => {
      const unauthorized = await health(`${base}/auth/mcp`, { Authorization: 'Bearer sk-very-secret-token' });
      expect(unauthorized).toMatchObject({ status: 'auth_failed', code: McpCodes.auth });
      expect(JSON.stringify(unauthorized)).not.toContain('sk-very-secret-token');
      expect(await health(`${base}/forbidden/mcp`)).toMatchObject({ status: 'auth_failed' });
    });

    it('protocol_error for a server that does not speak MCP, unreachable for a closed port', async () => {
      expect(await health(`${base}/mcp`)).toMatchObject({ status: 'protocol_error', code: McpCodes.protocol });
      const closed = await health('http://127.0.0.1:9/mcp');
      expect(closed).toMatchObject({ status: 'unreachable', code: McpCodes.unreachable });
    });
  });
});
