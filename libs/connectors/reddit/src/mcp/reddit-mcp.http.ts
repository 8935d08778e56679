/**
 * Streamable HTTP at `/mcp` on node:http, stateful: `initialize` (a POST without a session id) opens a session with
 * its own transport and McpServer; later requests carry `mcp-session-id`; `DELETE /mcp` ends it. An unknown session
 * id gets 404 with a JSON-RPC error, as the spec says, so clients re-initialize. With `apiKey`, every request needs
 * it in `apiKeyHeader` (default X-API-Key, what a Junction `api_key` connection sends; 401 otherwise, before any
 * session is looked at): the server holds the Reddit app's credentials, so whoever reaches it spends that app's quota.
 * (LinkedIn's server is the same with a bearer token.)
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

const MAX_BODY_BYTES = 1024 * 1024;

export interface McpHttpServer {
  readonly port: number;
  readonly url: string;
  sessionCount(): number;
  close(): Promise<void>;
}

export interface McpHttpOptions {
  port?: number;
  host?: string;
  /** Required from every caller in `apiKeyHeader` when set. */
  apiKey?: string;
  /** Default x-api-key. */
  apiKeyHeader?: string;
  onError?: (error: unknown) => void;
}

interface Session {
  transport: StreamableHTTPServerTransport;
  server: McpServer;
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly rpcCode: number,
    message: string,
  ) {
    super(message);
  }
}

function rpcError(res: ServerResponse, status: number, code: number, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new BodyError(413, -32600, 'Request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError(400, -32700, 'Parse error');
  }
}

/** Constant time over equal lengths; a length mismatch is refused without comparing. */
function keyMatches(header: string | string[] | undefined, expected: Buffer): boolean {
  if (typeof header !== 'string') return false;
  const given = Buffer.from(header.trim(), 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** `newServer` builds one McpServer per session (an McpServer binds to a single transport). */
export async function serveRedditMcpHttp(newServer: () => McpServer, options: McpHttpOptions = {}): Promise<McpHttpServer> {
  const sessions = new Map<string, Session>();
  const onError = options.onError ?? (() => undefined);
  const expected = options.apiKey ? Buffer.from(options.apiKey, 'utf8') : undefined;
  const keyHeader = (options.apiKeyHeader ?? 'x-api-key').toLowerCase();

  async function open(req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const server = newServer();
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => void sessions.set(id, { transport, server }),
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path !== '/mcp') return rpcError(res, 404, -32601, `Not found: ${path}`);
    if (expected && !keyMatches(req.headers[keyHeader], expected)) return rpcError(res, 401, -32001, `Unauthorized: a valid ${keyHeader} header is required`);
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    const session = sessionId ? sessions.get(sessionId) : undefined;

    if (req.method === 'POST') {
      const body = await readJson(req);
      if (session) return session.transport.handleRequest(req, res, body);
      if (sessionId) return rpcError(res, 404, -32001, 'Session not found');
      if (isInitializeRequest(body)) return open(req, res, body);
      return rpcError(res, 400, -32000, 'Bad Request: no mcp-session-id header, and the request is not initialize');
    }
    if (req.method === 'GET' || req.method === 'DELETE') {
      if (session) return session.transport.handleRequest(req, res);
      if (sessionId) return rpcError(res, 404, -32001, 'Session not found');
      return rpcError(res, 400, -32000, 'Bad Request: mcp-session-id header is required');
    }
    res.setHeader('allow', 'GET, POST, DELETE');
    return rpcError(res, 405, -32000, 'Method not allowed');
  }

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (error instanceof BodyError) return rpcError(res, error.status, error.rpcCode, error.message);
      onError(error);
      rpcError(res, 500, -32603, 'Internal server error');
    });
  });
  await new Promise<void>((resolve, reject) => {
    http.once('error', reject);
    http.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (http.address() as AddressInfo).port;

  return {
    port,
    url: `http://${options.host && options.host !== '0.0.0.0' ? options.host : '127.0.0.1'}:${port}/mcp`,
    sessionCount: () => sessions.size,
    async close() {
      await Promise.allSettled([...sessions.values()].map(({ server }) => server.close()));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}
