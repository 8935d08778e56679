/**
 * An MCP handshake over libs/mcp's transports (the ones the workers and mcp-gateway use): initialize, then
 * tools/list (all pages, bounded), then close. Transport errors seen along the way are reported with the outcome,
 * because a server that writes garbage to stdout or answers non-JSON-RPC shows up first as a transport error and only
 * then as a closed connection.
 *
 * Not McpClient.health(): that one cannot tell these classes apart yet. A stdio server printing garbage hangs it
 * until its timeout (no fail-fast on the first unparsable line), and it reports 401 and 403 both as auth_failed and
 * 429 as unreachable, where a connection test says auth, permission and rate_limited.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { createTransport, isParseError, type McpTarget } from '@junction/mcp';

const MAX_TOOL_PAGES = 10;

export interface McpHandshake {
  server?: { name: string; version: string };
  protocolVersion?: string;
  tools: string[];
  latencyMs: number;
}

export class McpHandshakeError extends Error {
  override readonly name = 'McpHandshakeError';
  constructor(
    override readonly cause: unknown,
    /** Errors the transport reported before the call failed (parse errors, stream errors). */
    readonly transportErrors: unknown[],
  ) {
    super('MCP handshake failed');
  }
}

export async function mcpHandshake(target: McpTarget, timeoutMs: number): Promise<McpHandshake> {
  const transport = createTransport(target);
  const transportErrors: unknown[] = [];
  let failFast: (error: unknown) => void = () => undefined;
  const garbled = new Promise<never>((_, reject) => (failFast = reject));
  garbled.catch(() => undefined);
  // Set before connect: Client.connect chains its own handler after this one. A stdio server whose stdout is not
  // JSON-RPC fails at its first line instead of when the SDK has finished killing it (seconds later).
  transport.onerror = (error) => {
    transportErrors.push(error);
    if (target.transport === 'stdio' && isParseError(error)) failFast(error);
  };
  const client = new Client({ name: 'junction-connection-test', version: '1.0.0' }, { capabilities: {} });
  const started = performance.now();
  try {
    await Promise.race([client.connect(transport, { timeout: timeoutMs }), garbled]);
    const tools: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const remaining = Math.max(1, timeoutMs - (performance.now() - started));
      const result = await client.listTools(cursor ? { cursor } : {}, { timeout: remaining });
      tools.push(...result.tools.map((t) => t.name));
      cursor = result.nextCursor;
      if (!cursor) break;
    }
    const latencyMs = Math.round(performance.now() - started);
    const info = client.getServerVersion();
    return { server: info ? { name: info.name, version: info.version } : undefined, protocolVersion: (transport as { protocolVersion?: string }).protocolVersion, tools, latencyMs };
  } catch (error) {
    throw new McpHandshakeError(error, transportErrors);
  } finally {
    // Not awaited: stdio ends stdin, waits up to 2 s, then SIGTERM/SIGKILL (the SDK's close); HTTP aborts the stream
    // and DELETEs the session. The result does not wait for a slow server to go away.
    client.close().catch(() => undefined);
  }
}
