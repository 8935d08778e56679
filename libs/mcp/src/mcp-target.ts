/**
 * Where an MCP server is and how to reach it: a process speaking JSON-RPC over stdio, or a URL speaking Streamable
 * HTTP (or the legacy HTTP+SSE transport). Built from a connection's config and secret by the caller.
 */
import { setMaxListeners } from 'node:events';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { FetchLike, Transport } from '@modelcontextprotocol/sdk/shared/transport.js';

export type McpTarget =
  | {
      transport: 'stdio';
      command: string;
      args: string[];
      /**
       * The child's whole environment besides the SDK's safe defaults (PATH, HOME, …): never this process's own
       * (its DATABASE_URL, keys). Secret values come from the vault, merged in by the caller.
       */
      env?: Record<string, string>;
      cwd?: string;
    }
  | { transport: 'streamable-http' | 'sse'; url: URL; headers: Record<string, string> };

export interface TransportOptions {
  /** HTTP transports: the fetch to use (a proxy, a dispatcher with connect timeouts, a test's counter). */
  fetch?: FetchLike;
}

export function createTransport(target: McpTarget, options: TransportOptions = {}): Transport {
  switch (target.transport) {
    case 'stdio':
      // stderr ignored: a server can print anything there, including the environment it was given.
      return new StdioClientTransport({ command: target.command, args: target.args, env: target.env, cwd: target.cwd, stderr: 'ignore' });
    case 'streamable-http':
      return new StreamableHTTPClientTransport(target.url, {
        requestInit: { headers: target.headers, redirect: 'error' },
        fetch: sharedSignalFetch(options.fetch),
        // A dropped notification stream is re-opened by the next request's session, not retried forever in the background.
        reconnectionOptions: { initialReconnectionDelay: 1_000, maxReconnectionDelay: 30_000, reconnectionDelayGrowFactor: 2, maxRetries: 2 },
      });
    case 'sse':
      return new SSEClientTransport(target.url, { requestInit: { headers: target.headers }, fetch: sharedSignalFetch(options.fetch) });
  }
}

const unlimited = new WeakSet<AbortSignal>();

/**
 * The SDK's HTTP transports give every request of a session one long-lived AbortSignal, and Node 20's fetch removes
 * its listener from it only when the request is garbage-collected: a busy session passes the default 10 listeners
 * and Node prints a MaxListenersExceededWarning per request (bench:mcp: ~1,700 in one run). The listeners are freed
 * with their requests, so the limit is lifted for those signals only.
 */
function sharedSignalFetch(base: FetchLike = fetch): FetchLike {
  return (url, init) => {
    const signal = init?.signal;
    if (signal && !unlimited.has(signal)) {
      unlimited.add(signal);
      setMaxListeners(0, signal);
    }
    return base(url, init);
  };
}

/** A short name for messages: the command for stdio, the host for HTTP. Never a header, an env value or a query. */
export function describeTarget(target: McpTarget): string {
  return target.transport === 'stdio' ? printable(target.command.split('/').pop() ?? target.command) : `${target.url.protocol}//${target.url.host}`;
}

/** Remote- or operator-supplied names, shortened to a safe printable form. */
export function printable(value: string): string {
  return value.replace(/[^\w.@:/+-]/g, '_').slice(0, 100);
}
