import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isParseError, printable, type McpTarget } from '@junction/mcp';
import { ConnectionError, type ConnectionProbe, type ConnectionTestResult, type ProbeErrorClass, type ResolvedConnection } from '../../connections/connection.types';
import type { IntegrationsOptions } from '../../integrations.options';
import { mcpTargetOf } from '../../resolve/mcp-server.target';
import { transportFailure } from '../http/probe-http.client';
import { errorName, ProbeFailure, runProbe } from '../probe-failure';
import { McpHandshakeError, mcpHandshake } from './mcp-probe.client';

const LABELS: Readonly<Record<string, string>> = { 'mcp-stdio': 'MCP (stdio)', 'mcp-http': 'MCP (Streamable HTTP)', 'mcp-sse': 'MCP (SSE)' };

/**
 * MCP servers: initialize + tools/list with the SDK client over stdio, Streamable HTTP or legacy SSE. Capabilities:
 * `tools:<name>` per tool. Tests an MCP connection (`mcp-stdio`, `mcp-http`, `mcp-sse`), and a provider connection
 * with `config.transport: "mcp"` (its `config.mcp` server; ConnectionTester routes those here). The target is built
 * by mcpTargetOf, exactly as the workers and mcp-gateway build theirs: the same MCP_STDIO_COMMANDS check, the same
 * secret as headers or `secretEnv` variables, so a test passes only when a call would reach the server.
 */
export class McpProbe implements ConnectionProbe {
  readonly typeSlugs = ['mcp-stdio', 'mcp-http', 'mcp-sse'] as const;

  /** `options.mcpStdioCommands`: the only commands a stdio test starts (checked again here, not only at create). */
  constructor(private readonly options?: IntegrationsOptions) {}

  async test(connection: ResolvedConnection, { timeoutMs }: { timeoutMs: number }): Promise<ConnectionTestResult> {
    const label = LABELS[connection.typeSlug] ?? `${connection.typeSlug} (MCP)`;
    let handshakeMs: number | undefined;
    const result = await runProbe(label, async () => {
      const target = targetOf(connection, this.options, label);
      try {
        const handshake = await mcpHandshake(target, timeoutMs);
        handshakeMs = handshake.latencyMs;
        const server = handshake.server ? `${printable(handshake.server.name)} ${printable(handshake.server.version)}` : 'the server';
        return {
          capabilities: handshake.tools.map((t) => `tools:${printable(t)}`),
          message: `${server} initialized${handshake.protocolVersion ? ` (protocol ${printable(handshake.protocolVersion)})` : ''}; ${handshake.tools.length} tool(s)`,
        };
      } catch (error) {
        throw classify(error, target, label, timeoutMs);
      }
    });
    // The handshake's own time: closing a stdio server (up to seconds) is not the connection's latency.
    return handshakeMs === undefined ? result : { ...result, latencyMs: handshakeMs };
  }
}

/** The connection's server as mcpTargetOf builds it; its refusals (INVALID_CONFIG, MCP_COMMAND_NOT_ALLOWED) are config failures. */
function targetOf(connection: ResolvedConnection, options: IntegrationsOptions | undefined, label: string): McpTarget {
  try {
    return mcpTargetOf(connection, options);
  } catch (error) {
    // ConnectionError messages name fields and the command, never a secret's value.
    if (error instanceof ConnectionError) throw new ProbeFailure('config', `${label}: ${error.message}`);
    throw error;
  }
}

/** SDK and transport errors → classes. Their messages can quote a response body, so none is passed on. */
function classify(error: unknown, target: McpTarget, label: string, timeoutMs: number): ProbeFailure {
  const cause = error instanceof McpHandshakeError ? error.cause : error;
  const transportErrors = error instanceof McpHandshakeError ? error.transportErrors : [];
  const garbled = transportErrors.some(isParseError);

  if (cause instanceof McpError) {
    if (cause.code === (ErrorCode.RequestTimeout as number)) return new ProbeFailure('timeout', `${label}: no answer to ${target.transport === 'stdio' ? 'initialize' : 'the MCP request'} within ${timeoutMs} ms`);
    if (cause.code === (ErrorCode.ConnectionClosed as number)) {
      if (garbled) return new ProbeFailure('protocol', `${label}: the server did not speak MCP (its output is not JSON-RPC)`);
      return target.transport === 'stdio'
        ? new ProbeFailure('unreachable', `${label}: the server process exited before completing initialize`)
        : new ProbeFailure('unreachable', `${label}: the connection to ${target.url.host} closed before initialize completed`);
    }
    return new ProbeFailure('protocol', `${label}: the server answered a JSON-RPC error (${cause.code})`);
  }
  if (cause instanceof UnauthorizedError) return new ProbeFailure('auth', `${label}: the server requires authorization (401) and the credentials were not accepted`);
  // An SSE stream that could not open at all (refused, DNS) has no status code.
  if (cause instanceof SseError && cause.code === undefined && target.transport !== 'stdio') return new ProbeFailure('unreachable', `${label}: could not open the event stream at ${target.url.host}`);
  if (cause instanceof StreamableHTTPError || cause instanceof SseError) return httpClass(label, cause.code, target);
  if (isParseError(cause)) return new ProbeFailure('protocol', `${label}: the server answered something that is not MCP JSON-RPC`);

  if (target.transport === 'stdio') {
    const code = (cause as { code?: unknown } | undefined)?.code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR') return new ProbeFailure('unreachable', `${label}: could not start ${printable(target.command)} (${String(code)})`);
    return new ProbeFailure(garbled ? 'protocol' : 'unreachable', `${label}: the server process failed (${errorName(cause)})`);
  }
  // fetch() failures: TypeError("fetch failed") with the network error as its cause.
  const failure = transportFailure(label, target.url, cause, timeoutMs);
  return failure;
}

function httpClass(label: string, status: number | undefined, target: McpTarget): ProbeFailure {
  const where = target.transport === 'stdio' ? 'the server' : target.url.host;
  const classes: Record<number, [ProbeErrorClass, string]> = {
    401: ['auth', 'answered 401: the credentials were rejected'],
    403: ['permission', 'answered 403: the credentials are not allowed to use this server'],
    404: ['protocol', 'answered 404: no MCP endpoint at this URL'],
    405: ['protocol', 'answered 405: this URL does not accept MCP requests (wrong transport?)'],
    429: ['rate_limited', 'answered 429: rate limited'],
  };
  if (status !== undefined && classes[status]) {
    const [errorClass, text] = classes[status];
    return new ProbeFailure(errorClass, `${label}: ${where} ${text}`);
  }
  if (status !== undefined && status >= 500) return new ProbeFailure('unreachable', `${label}: ${where} answered ${status}`);
  if (status === -1) return new ProbeFailure('protocol', `${label}: ${where} answered with a content type that is not MCP (JSON or an event stream)`);
  return new ProbeFailure('protocol', `${label}: ${where} answered an unexpected ${status ?? 'response'}`);
}
