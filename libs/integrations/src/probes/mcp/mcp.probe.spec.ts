import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionTestResult, ResolvedConnection } from '../../connections/connection.types';
import { ConnectionTester } from '../connection.tester';
import { closedPort, connection, rawServer } from '../probe-test.fixtures';

/** The MCP probe against the reference server (@modelcontextprotocol/server-everything) over every transport. */
const SERVER = join(process.cwd(), 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
// The operator's allow-list (MCP_STDIO_COMMANDS): node, and a path that does not exist.
const tester = new ConnectionTester(undefined, { mcpStdioCommands: [process.execPath, '/nonexistent/junction-mcp-server'] });
const test = (c: ResolvedConnection, timeoutMs = 15_000): Promise<ConnectionTestResult> => tester.test(c, { timeoutMs });

/** Starts server-everything in `mode` on a free port; resolves once it says it listens. */
async function startServer(mode: 'streamableHttp' | 'sse'): Promise<{ url: string; child: ChildProcess }> {
  const port = await closedPort();
  const child = spawn(process.execPath, [SERVER, mode], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server-everything ${mode} did not start`)), 15_000);
    let seen = '';
    child.stderr!.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      if (/listening on port|running on port/i.test(seen)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`server-everything ${mode} exited ${code}`)));
  });
  return { url: `http://127.0.0.1:${port}`, child };
}

async function stop(child?: ChildProcess): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

describe('McpProbe (server-everything)', () => {
  describe('stdio', () => {
    it('initializes and lists the tools', async () => {
      const result = await test(connection('mcp-stdio', { command: process.execPath, args: [SERVER, 'stdio'] }, { authMethod: 'none' }));
      expect(result).toMatchObject({ ok: true, errorClass: null });
      expect(result.capabilities).toEqual(expect.arrayContaining(['tools:echo', 'tools:get-sum']));
      expect(result.message).toMatch(/initialized/);
    });

    it('never starts a command the operator has not allowed (MCP_STDIO_COMMANDS)', async () => {
      const marker = join(tmpdir(), `junction-mcp-ran-${process.pid}-${Date.now()}`);
      const denied = new ConnectionTester(undefined, { mcpStdioCommands: ['/usr/bin/some-other-server'] });
      const result = await denied.test(connection('mcp-stdio', { command: process.execPath, args: ['-e', `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`] }, { authMethod: 'none' }), { timeoutMs: 5_000 });
      expect(result).toMatchObject({ ok: false, errorClass: 'config' });
      expect(result.message).toMatch(/MCP_STDIO_COMMANDS/);
      await new Promise((r) => setTimeout(r, 300));
      expect(existsSync(marker)).toBe(false);
    });

    it('a command that does not exist → unreachable', async () => {
      const result = await test(connection('mcp-stdio', { command: '/nonexistent/junction-mcp-server' }, { authMethod: 'none' }));
      expect(result).toMatchObject({ ok: false, errorClass: 'unreachable' });
      expect(result.message).toContain('ENOENT');
    });

    it('a command that prints garbage → protocol', async () => {
      const result = await test(connection('mcp-stdio', { command: process.execPath, args: ['-e', 'console.log("hello, not json"); setTimeout(() => {}, 5000)'] }, { authMethod: 'none' }));
      expect(result).toMatchObject({ ok: false, errorClass: 'protocol' });
    });

    it('a command that exits at once → unreachable', async () => {
      expect(await test(connection('mcp-stdio', { command: process.execPath, args: ['-e', 'process.exit(0)'] }, { authMethod: 'none' }))).toMatchObject({ ok: false, errorClass: 'unreachable' });
    });

    it('a command that never answers → timeout; its env is passed, not this process’s', async () => {
      const started = Date.now();
      const result = await test(connection('mcp-stdio', { command: process.execPath, args: ['-e', 'setTimeout(() => {}, 20000)'], env: { X: '1' } }, { authMethod: 'none' }), 500);
      expect(result).toMatchObject({ ok: false, errorClass: 'timeout' });
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('missing command → config', async () => {
      expect(await test(connection('mcp-stdio', {}, { authMethod: 'none' }))).toMatchObject({ ok: false, errorClass: 'config' });
    });
  });

  describe('Streamable HTTP', () => {
    let server: { url: string; child: ChildProcess } | undefined;
    beforeAll(async () => (server = await startServer('streamableHttp')));
    afterAll(() => stop(server?.child));

    it('initializes and lists the tools at /mcp', async () => {
      const result = await test(connection('mcp-http', { url: `${server!.url}/mcp` }, { authMethod: 'none' }));
      expect(result).toMatchObject({ ok: true });
      expect(result.capabilities).toEqual(expect.arrayContaining(['tools:echo', 'tools:get-sum']));
      expect(result.message).toMatch(/protocol 20\d\d-\d\d-\d\d/);
    });

    it('a wrong path → protocol; a closed port → unreachable', async () => {
      expect(await test(connection('mcp-http', { url: `${server!.url}/not-mcp` }, { authMethod: 'none' }))).toMatchObject({ ok: false, errorClass: 'protocol' });
      expect(await test(connection('mcp-http', { url: `http://127.0.0.1:${await closedPort()}/mcp` }, { authMethod: 'none' }))).toMatchObject({ ok: false, errorClass: 'unreachable' });
    });

    it('a non-MCP HTTP server → protocol; 401 → auth; 403 → permission', async () => {
      const html = await rawServer(200, '<html/>');
      const denied = await rawServer(401, 'token abc rejected', 'text/plain');
      const forbidden = await rawServer(403, 'no', 'text/plain');
      try {
        expect(await test(connection('mcp-http', { url: html.url }, { authMethod: 'none' }))).toMatchObject({ errorClass: 'protocol' });
        const auth = await test(connection('mcp-http', { url: denied.url }, { authMethod: 'bearer', token: 'abc' }));
        expect(auth).toMatchObject({ errorClass: 'auth' });
        expect(auth.message).not.toContain('abc');
        expect(await test(connection('mcp-http', { url: forbidden.url }, { authMethod: 'api_key', apiKey: 'k' }))).toMatchObject({ errorClass: 'permission' });
      } finally {
        await Promise.all([html.close(), denied.close(), forbidden.close()]);
      }
    });
  });

  describe('a provider connection with transport mcp (its config.mcp server)', () => {
    let server: { url: string; child: ChildProcess } | undefined;
    beforeAll(async () => (server = await startServer('streamableHttp')));
    afterAll(() => stop(server?.child));

    it('is tested by the MCP probe, not its REST probe: a stdio server, then a Streamable HTTP one with its bearer token', async () => {
      const stdio = await test(connection('erpnext', { transport: 'mcp', mcp: { command: process.execPath, args: [SERVER, 'stdio'] } }, { authMethod: 'api_key', apiKey: 'k', apiSecret: 's' }));
      expect(stdio).toMatchObject({ ok: true, errorClass: null });
      expect(stdio.capabilities).toEqual(expect.arrayContaining(['tools:echo']));
      const http = await test(connection('crm', { transport: 'mcp', mcp: { url: `${server!.url}/mcp` } }, { authMethod: 'bearer', token: 'crm-token' }));
      expect(http).toMatchObject({ ok: true });
      expect(http.capabilities).toEqual(expect.arrayContaining(['tools:get-sum']));
    });

    it('refuses what mcpTargetOf refuses, as config: no config.mcp, a command not allowed, OAuth to an HTTP server', async () => {
      const missing = await test(connection('reddit', { transport: 'mcp' }, { authMethod: 'none' }));
      expect(missing).toMatchObject({ ok: false, errorClass: 'config' });
      expect(missing.message).toContain('config.mcp is required');
      const denied = await test(connection('erpnext', { transport: 'mcp', mcp: { command: '/usr/bin/env', args: ['true'] } }, { authMethod: 'none' }));
      expect(denied).toMatchObject({ ok: false, errorClass: 'config' });
      expect(denied.message).toMatch(/MCP_STDIO_COMMANDS/);
      expect(await test(connection('linkedin', { transport: 'mcp', mcp: { url: `${server!.url}/mcp` } }, { authMethod: 'oauth2', clientId: 'c', clientSecret: 'cs' }))).toMatchObject({
        ok: false,
        errorClass: 'config',
      });
    });

    it('a closed port → unreachable (the legacy SSE server when legacySse is set)', async () => {
      expect(await test(connection('erpnext', { transport: 'mcp', mcp: { url: `http://127.0.0.1:${await closedPort()}/sse`, legacySse: true } }, { authMethod: 'none' }))).toMatchObject({
        ok: false,
        errorClass: 'unreachable',
      });
    });
  });

  describe('legacy SSE', () => {
    let server: { url: string; child: ChildProcess } | undefined;
    beforeAll(async () => (server = await startServer('sse')));
    afterAll(() => stop(server?.child));

    it('initializes and lists the tools at /sse', async () => {
      const result = await test(connection('mcp-sse', { url: `${server!.url}/sse` }, { authMethod: 'none' }));
      expect(result).toMatchObject({ ok: true });
      expect(result.capabilities).toEqual(expect.arrayContaining(['tools:echo']));
    });

    it('a closed port → unreachable', async () => {
      expect(await test(connection('mcp-sse', { url: `http://127.0.0.1:${await closedPort()}/sse` }, { authMethod: 'none' }))).toMatchObject({ ok: false, errorClass: 'unreachable' });
    });
  });
});
