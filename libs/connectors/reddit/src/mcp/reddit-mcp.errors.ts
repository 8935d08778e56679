/**
 * What an MCP server says (or fails to say) → the IntegrationError taxonomy: for servers that send no
 * `_meta.errorClass` / `_meta.httpStatus` with their error results, and for calls that never got a result.
 * (ERPNext's and LinkedIn's adapters classify the same way; the rules are kept alike on purpose.)
 */
import { classifyHttpStatus, classifyTransportFailure, IntegrationError, type ErrorClass } from '@junction/resilience';

/** First match wins; order matters ("Tool x not found" is our misconfiguration, not a missing post). */
const TEXT_RULES: ReadonlyArray<[RegExp, ErrorClass]> = [
  [/\btool \S+ (?:not found|disabled)\b/i, 'client'],
  [/input validation error|invalid arguments/i, 'validation'],
  [/output validation error/i, 'client'],
  [/not found|does ?not ?exist|no such/i, 'not_found'],
  [/already exists|duplicate/i, 'conflict'],
  [/rate.?limit|too many requests|throttle/i, 'rate_limit'],
  [/timed? ?out\b|timeout/i, 'timeout'],
  [/unauthori[sz]ed|authentication|invalid (?:access )?(?:key|token|credentials)/i, 'auth'],
  [/forbidden|access.?denied|permission|not permitted/i, 'forbidden'],
  [/validation|invalid|cannot|can't|not allowed/i, 'validation'],
];

/** An error result's text → class; `client` (permanent) when nothing matches: never retry what we cannot read. */
export function classifyToolErrorText(text: string): ErrorClass {
  return TEXT_RULES.find(([pattern]) => pattern.test(text))?.[1] ?? 'client';
}

/** JSON-RPC / MCP SDK error codes (ErrorCode in @modelcontextprotocol/sdk/types). */
const JSON_RPC: Record<number, ErrorClass> = {
  [-32001]: 'timeout', // RequestTimeout
  [-32000]: 'network', // ConnectionClosed
  [-32700]: 'client', // ParseError
  [-32600]: 'client', // InvalidRequest
  [-32601]: 'client', // MethodNotFound
  [-32602]: 'client', // InvalidParams: unknown tool, or a result that breaks the declared output schema
  [-32603]: 'server', // InternalError
};

/**
 * `callTool` threw instead of answering. An IntegrationError from libs/mcp's McpClient (provider `mcp`) keeps its
 * class, except a tool the server does not list (`not_found` there): for the command that is our misconfiguration
 * (`client`), not a missing Reddit resource. McpError carries a JSON-RPC code, StreamableHTTPError the HTTP status;
 * anything else is a transport failure. A 404 from the HTTP transport means the session is gone: `network`.
 */
export function classifyCallFailure(error: unknown): { errorClass: ErrorClass; detail: string; status?: number; retryAfterMs?: number } {
  if (error instanceof IntegrationError) {
    const errorClass = error.code === 'MCP_TOOL_NOT_FOUND' ? 'client' : error.errorClass;
    return { errorClass, detail: error.message, status: error.status, retryAfterMs: error.retryAfterMs };
  }
  const e = (error ?? {}) as { name?: unknown; code?: unknown; message?: unknown };
  const detail = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  if (e.name === 'UnauthorizedError') return { errorClass: 'auth', detail };
  if (typeof e.code === 'number') {
    if (e.code in JSON_RPC) return { errorClass: JSON_RPC[e.code]!, detail };
    if (e.code === 404) return { errorClass: 'network', detail };
    if (e.code >= 400 && e.code < 600) return { errorClass: classifyHttpStatus(e.code), detail };
    if (e.code < 0) return { errorClass: 'server', detail };
  }
  const transport = classifyTransportFailure(error, 0);
  return transport.errorClass === 'timeout' ? { errorClass: 'timeout', detail: 'no response in time' } : transport;
}
