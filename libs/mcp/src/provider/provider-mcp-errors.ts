/**
 * What a provider MCP server says (or fails to say) → the IntegrationError taxonomy, for the provider adapters
 * (ErpNextMcpClient, LinkedInMcpClient, RedditMcpClient): for servers that send no `_meta.errorClass` /
 * `_meta.httpStatus` with their error results, and for calls that never got a result.
 */
import { classifyHttpStatus, classifyTransportFailure, IntegrationError, type ErrorClass } from '@junction/resilience';
import { firstText, readErrorMeta, type McpToolResult } from './tool-result';

/** Whose call it was, for the IntegrationErrors an adapter throws: provider `erpnext`, label `ERPNext`. */
export interface ProviderMcpFrame {
  provider: string;
  /** How the provider's own client starts its messages ("ERPNext", "LinkedIn", "Reddit"). */
  label: string;
}

/** One tool call of a port method: the server's tool name and the port's operation label. */
export interface ProviderMcpCall extends ProviderMcpFrame {
  tool: string;
  operation: string;
}

/** An error result's text → class: the first rule whose pattern matches wins. */
export type ToolErrorTextRules = ReadonlyArray<readonly [RegExp, ErrorClass]>;

/**
 * The rules LinkedIn's and Reddit's adapters read error texts by (ERPNext's differ a little and are its own). Order
 * matters: "Tool x not found" is our misconfiguration, not a missing post or organization.
 */
export const TOOL_ERROR_TEXT_RULES: ToolErrorTextRules = [
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
export function classifyToolErrorText(text: string, rules: ToolErrorTextRules = TOOL_ERROR_TEXT_RULES): ErrorClass {
  return rules.find(([pattern]) => pattern.test(text))?.[1] ?? 'client';
}

/** JSON-RPC / MCP SDK error codes (ErrorCode in @modelcontextprotocol/sdk/types). */
const JSON_RPC: Record<number, ErrorClass> = {
  [-32001]: 'timeout', // RequestTimeout: no response within the request's timeout
  [-32000]: 'network', // ConnectionClosed
  [-32700]: 'client', // ParseError
  [-32600]: 'client', // InvalidRequest
  [-32601]: 'client', // MethodNotFound: the server has no tools capability
  [-32602]: 'client', // InvalidParams: unknown tool, or a result that breaks the declared output schema
  [-32603]: 'server', // InternalError
};

export interface CallFailureClass {
  errorClass: ErrorClass;
  detail: string;
  status?: number;
  retryAfterMs?: number;
}

/**
 * `callTool` threw instead of answering. An IntegrationError from libs/mcp's McpClient (provider `mcp`) keeps its
 * class, except a tool the server does not list (`not_found` there): for the command that is our misconfiguration
 * (`client`), not a missing provider resource. McpError carries a JSON-RPC code, StreamableHTTPError the HTTP status;
 * anything else is a transport failure. A 404 from the HTTP transport means the session is gone: the caller
 * re-initializes, so it is retryable (`network`), not a missing document.
 */
export function classifyCallFailure(error: unknown): CallFailureClass {
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

/** Longest message an adapter's IntegrationError carries (a server's text can be long). */
export const PROVIDER_MCP_MAX_MESSAGE = 500;

/**
 * A `callTool` that threw, as the provider's IntegrationError ("<label> <operation> failed (MCP <tool>, <class>): …").
 * The provider's own IntegrationError (the caller's pipeline: circuit open, cancelled) is returned as it is.
 */
export function callFailureError(error: unknown, call: ProviderMcpCall): IntegrationError {
  if (error instanceof IntegrationError && error.provider === call.provider) return error;
  const { errorClass, detail, status, retryAfterMs } = classifyCallFailure(error);
  return new IntegrationError(errorClass, `${call.label} ${call.operation} failed (MCP ${call.tool}, ${errorClass}): ${detail}`.slice(0, PROVIDER_MCP_MAX_MESSAGE), {
    provider: call.provider,
    operation: call.operation,
    status,
    retryAfterMs,
    cause: error,
  });
}

/**
 * An `isError` result as the provider's IntegrationError. The class is the server's `_meta.errorClass` when it is one
 * of ours, else that of `_meta.httpStatus`, else read from the text by `rules`. Our servers' messages already read
 * "<label> <operation> failed (…): …" (the provider client's own); anyone else's get that frame.
 */
export function toolResultError(result: McpToolResult, call: ProviderMcpCall, rules: ToolErrorTextRules = TOOL_ERROR_TEXT_RULES): IntegrationError {
  const { status, errorClass, retryAfterMs } = readErrorMeta(result);
  const text = firstText(result)?.trim() || 'no message';
  const message = text.startsWith(`${call.label} `) ? text : `${call.label} ${call.operation} failed (MCP ${call.tool}${status ? ` ${status}` : ''}): ${text}`;
  return new IntegrationError(errorClass ?? (status !== undefined ? classifyHttpStatus(status) : classifyToolErrorText(text, rules)), message.slice(0, PROVIDER_MCP_MAX_MESSAGE), {
    provider: call.provider,
    operation: call.operation,
    status,
    retryAfterMs,
  });
}

/**
 * A result that breaks the tool contract. The taxonomy has no `protocol` class: it is `client` (permanent), as the
 * provider's client classifies a 2xx body it cannot read: retrying will not change what the server sends.
 */
export function malformedToolResult(frame: ProviderMcpFrame, operation: string): IntegrationError {
  return new IntegrationError('client', `${frame.label} ${operation} returned an unexpected MCP tool result`, { provider: frame.provider, operation });
}
