/**
 * Every way an MCP call fails, as one IntegrationError with a stable MCP code. The class decides the retry (transport
 * failures only: network, timeout, 5xx, 429); the code tells people and the health check what happened. Messages
 * never quote a header, an environment value or arguments: a server's own text is redacted and shortened.
 */
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { classifyHttpStatus, classifyTransportFailure, IntegrationError, type ErrorClass } from '@junction/resilience';
import { describeTarget, type McpTarget } from './mcp-target';

export const PROVIDER = 'mcp';

export const McpCodes = {
  /** Could not reach or start the server, or it went away mid-call. */
  unreachable: 'MCP_UNREACHABLE',
  timeout: 'MCP_TIMEOUT',
  /** 401/403 from an HTTP server. */
  auth: 'MCP_AUTH_FAILED',
  /** The peer does not speak MCP, or answered a JSON-RPC error. */
  protocol: 'MCP_PROTOCOL_ERROR',
  /** The tool ran and reported a failure (`isError: true`). */
  toolError: 'MCP_TOOL_ERROR',
  /** The arguments do not satisfy the tool's input schema: the server was not called. */
  invalidArguments: 'MCP_INVALID_ARGUMENTS',
  toolNotFound: 'MCP_TOOL_NOT_FOUND',
  /** A non-retryable HTTP answer (other 4xx) or a JSON-RPC error the server chose. */
  rejected: 'MCP_REJECTED',
  /** The client was closed (shutdown). */
  closed: 'MCP_CLIENT_CLOSED',
} as const;
export type McpCode = (typeof McpCodes)[keyof typeof McpCodes];

export class McpCallError extends IntegrationError {
  override readonly code: McpCode;

  constructor(errorClass: ErrorClass, code: McpCode, message: string, options: { operation: string; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super(errorClass, message, { provider: PROVIDER, ...options });
    this.code = code;
  }
}

/** Replaces every secret value (header values, env values) found in a text, then shortens it. */
export class Redactor {
  private readonly secrets: string[];

  constructor(target: McpTarget) {
    const values = target.transport === 'stdio' ? Object.values(target.env ?? {}) : Object.values(target.headers).flatMap((v) => [v, v.replace(/^\S+\s+/, '')]);
    this.secrets = values.filter((v) => v.length >= 4).sort((a, b) => b.length - a.length);
  }

  text(value: string, max = 300): string {
    let out = value;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    out = out.replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, ' ');
    return out.length > max ? `${out.slice(0, max)}…` : out;
  }
}

/** A transport or protocol failure of one request, classified. */
export function classifyMcpFailure(error: unknown, target: McpTarget, operation: string, timeoutMs: number, redactor: Redactor): McpCallError {
  if (error instanceof McpCallError) return error;
  const where = describeTarget(target);
  const fail = (errorClass: ErrorClass, code: McpCode, message: string, status?: number) =>
    new McpCallError(errorClass, code, `MCP ${where} ${operation}: ${message}`, { operation, status, cause: error });

  if (error instanceof McpError) {
    if (error.code === (ErrorCode.RequestTimeout as number)) return fail('timeout', McpCodes.timeout, `no answer within ${timeoutMs} ms`);
    if (error.code === (ErrorCode.ConnectionClosed as number)) {
      return fail('network', McpCodes.unreachable, target.transport === 'stdio' ? 'the server process exited or closed its output' : 'the connection closed');
    }
    return fail('client', McpCodes.protocol, `the server answered JSON-RPC error ${error.code}: ${redactor.text(error.message.replace(/^MCP error -?\d+: /, ''))}`);
  }
  if (error instanceof UnauthorizedError) return fail('auth', McpCodes.auth, 'the server requires authorization and the credentials were not accepted', 401);
  if (error instanceof StreamableHTTPError || error instanceof SseError) {
    const status = error.code;
    if (status === undefined) return fail('network', McpCodes.unreachable, 'could not reach the server');
    if (status === -1) return fail('client', McpCodes.protocol, 'the server answered a content type that is not MCP (JSON or an event stream)');
    const errorClass = classifyHttpStatus(status);
    if (errorClass === 'auth' || errorClass === 'forbidden') return fail(errorClass, McpCodes.auth, `the server answered ${status}: the credentials were ${status === 401 ? 'rejected' : 'not allowed to use it'}`, status);
    if (errorClass === 'server' || errorClass === 'rate_limit' || errorClass === 'timeout') return fail(errorClass, McpCodes.unreachable, `the server answered ${status}`, status);
    return fail(errorClass, status === 404 || status === 405 ? McpCodes.protocol : McpCodes.rejected, `the server answered ${status}${status === 404 ? ' (no MCP endpoint at this URL?)' : ''}`, status);
  }
  if (isParseError(error)) return fail('client', McpCodes.protocol, 'the server answered something that is not MCP JSON-RPC');
  const code = (error as { code?: unknown } | undefined)?.code;
  if (target.transport === 'stdio' && (code === 'ENOENT' || code === 'EACCES' || code === 'ENOTDIR')) {
    return fail('client', McpCodes.unreachable, `could not start the server (${String(code)})`);
  }
  const transport = classifyTransportFailure(error, timeoutMs);
  return fail(transport.errorClass, transport.errorClass === 'timeout' ? McpCodes.timeout : McpCodes.unreachable, redactor.text(transport.detail, 200));
}

/** A transport error saying the peer's output is not JSON-RPC (JSON.parse or schema validation failed). */
export function isParseError(error: unknown): boolean {
  return error instanceof SyntaxError || (error instanceof Error && (error.name === 'ZodError' || error.constructor.name === 'ZodError' || error.constructor.name === '$ZodError'));
}

/** An HTTP server that no longer knows our session id: 404 by the spec, 400 from the SDK's reference servers. */
export function isSessionGone(error: unknown, hadSession: boolean): boolean {
  return hadSession && error instanceof StreamableHTTPError && (error.code === 404 || error.code === 400);
}
