/**
 * Hosting of a provider MCP server (ERPNext, LinkedIn, Reddit: `libs/connectors/<p>/src/mcp`) over Streamable HTTP at
 * `/mcp` on node:http, stateful: `initialize` (a POST without a session id) opens a session with its own transport and
 * McpServer; later requests carry `mcp-session-id`; `DELETE /mcp` ends it. An unknown session id gets 404 with a
 * JSON-RPC error, as the spec says, so clients re-initialize.
 *
 * With `auth`, every request must present the secret (401 otherwise, before any session is looked at): a provider
 * server holds the provider's credentials, so whoever reaches it acts with them (posts as the member, spends the
 * app's quota).
 */
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

/**
 * What every caller must send. `bearer`: `Authorization: Bearer <token>` (what a Junction bearer connection sends);
 * `api-key`: the key alone in `header` (X-API-Key is what a Junction api_key connection sends).
 */
export type ProviderMcpHttpAuth = { scheme: 'bearer'; token: string } | { scheme: 'api-key'; header: string; key: string };

export interface ProviderMcpHttpOptions {
  port?: number;
  host?: string;
  /** Unset: anyone who reaches the port is served (LinkedIn's and Reddit's entries refuse that beyond loopback with real credentials). */
  auth?: ProviderMcpHttpAuth;
  /** A larger request body is refused with 413. Default 1 MiB. */
  maxBodyBytes?: number;
  onError?: (error: unknown) => void;
}

export interface ProviderMcpHttpServer {
  readonly port: number;
  readonly url: string;
  /** Open sessions (for tests and logs). */
  sessionCount(): number;
  close(): Promise<void>;
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

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BodyError(413, -32600, 'Request body too large');
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new BodyError(400, -32700, 'Parse error');
  }
}

/** Constant time over equal lengths; a length mismatch is refused without comparing. */
function sameSecret(given: string, expected: Buffer): boolean {
  const bytes = Buffer.from(given, 'utf8');
  return bytes.length === expected.length && timingSafeEqual(bytes, expected);
}

interface Gate {
  allows(req: IncomingMessage): boolean;
  refuse(res: ServerResponse): void;
}

function gateOf(auth: ProviderMcpHttpAuth): Gate {
  const secret = auth.scheme === 'bearer' ? auth.token : auth.key;
  // An empty secret would be matched by an empty header: refuse to start rather than serve everyone.
  if (secret === '') throw new Error(`serveProviderMcpHttp: the ${auth.scheme} secret is empty`);
  const expected = Buffer.from(secret, 'utf8');
  if (auth.scheme === 'bearer') {
    return {
      allows: (req) => {
        const m = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
        return m !== null && sameSecret(m[1]!, expected);
      },
      refuse: (res) => rpcError(res, 401, -32001, 'Unauthorized: a valid bearer token is required', { 'www-authenticate': 'Bearer' }),
    };
  }
  const header = auth.header.toLowerCase();
  return {
    allows: (req) => {
      const value = req.headers[header];
      return typeof value === 'string' && sameSecret(value.trim(), expected);
    },
    refuse: (res) => rpcError(res, 401, -32001, `Unauthorized: a valid ${header} header is required`),
  };
}

/** `newServer` builds one McpServer per session (an McpServer binds to a single transport). */
export async function serveProviderMcpHttp(newServer: () => McpServer, options: ProviderMcpHttpOptions = {}): Promise<ProviderMcpHttpServer> {
  const sessions = new Map<string, Session>();
  const onError = options.onError ?? (() => undefined);
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024;
  const gate = options.auth ? gateOf(options.auth) : undefined;

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
    if (gate && !gate.allows(req)) return gate.refuse(res);
    const header = req.headers['mcp-session-id'];
    const sessionId = Array.isArray(header) ? header[0] : header;
    const session = sessionId ? sessions.get(sessionId) : undefined;

    if (req.method === 'POST') {
      const body = await readJson(req, maxBodyBytes);
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
