/**
 * The command line of a provider MCP server (`node <p>-mcp.main.js stdio|http`, run by hand, spawned by a worker for a
 * `transport: mcp` stdio connection, or by tests): the mode, the environment parsed once, the provider's client
 * built by the entry, then the server on stdio or on Streamable HTTP (serveProviderMcpHttp), closed on SIGINT/SIGTERM
 * and, in stdio mode, when the client closes our stdin. Exit codes: 2 for a usage or environment error (or a refusal),
 * 1 for a failed start.
 *
 * stdout belongs to JSON-RPC in stdio mode: every log line goes to stderr.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { serveProviderMcpHttp, type ProviderMcpHttpAuth } from './provider-mcp-http';

export type ProviderMcpMode = 'stdio' | 'http';

/** `http` mode's PORT (0 = any free port) and HOST, the same for every provider server: spread into its env schema. */
export const PROVIDER_MCP_HTTP_ENV = {
  PORT: z.coerce.number().int().min(0).max(65535).default(0),
  HOST: z.string().min(1).default('127.0.0.1'),
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** A server holding real credentials must require auth on any other host: whoever reaches it acts with them. */
export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host);
}

export interface ProviderMcpStartContext {
  mode: ProviderMcpMode;
  log(line: string): void;
  /** Logs `line` and exits 2 (a configuration the entry will not run with). */
  refuse(line: string): never;
}

/** What an entry's `start` built: the provider's client behind a server factory, and what to stop at shutdown. */
export interface ProviderMcpBackend {
  /** One McpServer per session (an McpServer binds to a single transport). */
  newServer(): McpServer;
  /** The in-process sandbox, when the entry started one. */
  stop?(): Promise<void>;
}

export interface ProviderMcpEntry<E extends { PORT: number; HOST: string }> {
  /** The log prefix and the entry's file name: `erpnext-mcp` (erpnext-mcp.main.js). */
  name: string;
  /** The environment the usage line lists. */
  usageEnv: string;
  env: z.ZodType<E>;
  /** Builds the provider's client: over the credentials in `env`, or over a sandbox started here (and said so). */
  start(env: E, context: ProviderMcpStartContext): Promise<ProviderMcpBackend>;
  /** `http` mode: what callers must send, the body limit, and the name in the "… listening on port N (url)" line. */
  http(env: E): { title: string; auth?: ProviderMcpHttpAuth; maxBodyBytes?: number };
}

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/** Runs the entry in this process, which it owns: it exits on a bad command line, on a failed start and at shutdown. */
export function runProviderMcpMain<E extends { PORT: number; HOST: string }>(entry: ProviderMcpEntry<E>): void {
  main(entry).catch((error: unknown) => {
    log(`${entry.name}: failed to start: ${messageOf(error)}`);
    process.exit(1);
  });
}

async function main<E extends { PORT: number; HOST: string }>(entry: ProviderMcpEntry<E>): Promise<void> {
  const refuse = (line: string): never => {
    log(line);
    process.exit(2);
  };
  const mode = process.argv[2];
  if (mode !== 'stdio' && mode !== 'http') return refuse(`usage: ${entry.name}.main.js stdio|http   (env: ${entry.usageEnv})`);
  // Empty variables count as unset (a blank line in an env file must not switch a sandbox run to a real account).
  const parsed = entry.env.safeParse(Object.fromEntries(Object.entries(process.env).filter(([, v]) => v !== '')));
  if (!parsed.success) return refuse(`${entry.name}: invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'env'}: ${i.message}`).join('; ')}`);
  const env = parsed.data;

  const backend = await entry.start(env, { mode, log, refuse });

  let closeServer: () => Promise<void> = async () => undefined;
  let stopping = false;
  const shutdown = async (): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.allSettled([closeServer(), backend.stop?.()]);
    process.exit(0);
  };
  process.once('SIGINT', () => void shutdown());
  process.once('SIGTERM', () => void shutdown());

  if (mode === 'stdio') {
    const server = backend.newServer();
    await server.connect(new StdioServerTransport());
    closeServer = () => server.close();
    // The client closing our stdin is how a stdio session ends.
    process.stdin.once('end', () => void shutdown());
    process.stdin.once('close', () => void shutdown());
  } else {
    const { title, auth, maxBodyBytes } = entry.http(env);
    const http = await serveProviderMcpHttp(() => backend.newServer(), {
      port: env.PORT,
      host: env.HOST,
      auth,
      maxBodyBytes,
      onError: (error) => log(`${entry.name}: request failed: ${messageOf(error)}`),
    });
    closeServer = () => http.close();
    log(`${title} listening on port ${http.port} (${http.url})${auth ? `, ${auth.scheme === 'bearer' ? 'bearer token' : auth.header} required` : ''}`);
  }
}
