import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { IntegrationError, type ErrorClass } from '@junction/resilience';
import { McpCallError, McpCodes } from '../mcp-errors';
import {
  callFailureError,
  classifyCallFailure,
  classifyToolErrorText,
  malformedToolResult,
  toolResultError,
  type ProviderMcpCall,
  type ToolErrorTextRules,
} from './provider-mcp-errors';
import type { McpToolResult } from './tool-result';

const CALL: ProviderMcpCall = { provider: 'acme', label: 'Acme', tool: 'get_widget', operation: 'getWidget' };
const text = (value: string) => ({ type: 'text', text: value });

describe('classifyToolErrorText (an error result without _meta)', () => {
  it.each<[string, ErrorClass]>([
    ['MCP error -32602: Tool get_widget not found', 'client'],
    ['Tool get_widget disabled', 'client'],
    ['MCP error -32602: Input validation error: Invalid arguments for tool get_widget', 'validation'],
    ['Output validation error: missing field', 'client'],
    ['Widget 7 not found', 'not_found'],
    ['the widget does not exist', 'not_found'],
    ['Widget already exists', 'conflict'],
    ['Too Many Requests', 'rate_limit'],
    ['Resource level throttle MEMBER DAY limit reached', 'rate_limit'],
    ['request timed out', 'timeout'],
    ['Unauthorized', 'auth'],
    ['invalid access token', 'auth'],
    ['ACCESS_DENIED', 'forbidden'],
    ['not permitted to post', 'forbidden'],
    ['commentary cannot be empty', 'validation'],
    ['something odd happened', 'client'],
  ])('%j → %s (LinkedIn’s and Reddit’s rules)', (message, errorClass) => {
    expect(classifyToolErrorText(message)).toBe(errorClass);
  });

  it('reads by the rules it is given, first match first, client when none matches', () => {
    const rules: ToolErrorTextRules = [
      [/mandatory/i, 'validation'],
      [/mandatory|missing/i, 'not_found'],
    ];
    expect(classifyToolErrorText('Mandatory field missing', rules)).toBe('validation');
    expect(classifyToolErrorText('missing', rules)).toBe('not_found');
    expect(classifyToolErrorText('Too Many Requests', rules)).toBe('client');
  });
});

describe('classifyCallFailure (callTool threw)', () => {
  it.each<[string, unknown, ErrorClass]>([
    ['request timeout', new McpError(ErrorCode.RequestTimeout, 'Request timed out'), 'timeout'],
    ['connection closed', new McpError(ErrorCode.ConnectionClosed, 'Connection closed'), 'network'],
    ['invalid params', new McpError(ErrorCode.InvalidParams, 'Unknown tool'), 'client'],
    ['method not found', new McpError(ErrorCode.MethodNotFound, 'no tools'), 'client'],
    ['internal error', new McpError(ErrorCode.InternalError, 'boom'), 'server'],
    ['a server-defined JSON-RPC code', new McpError(-32050, 'custom'), 'server'],
    ['HTTP 404: the session is gone, re-initialize', new StreamableHTTPError(404, 'Session not found'), 'network'],
    ['HTTP 429', new StreamableHTTPError(429, 'Too Many Requests'), 'rate_limit'],
    ['HTTP 403', new StreamableHTTPError(403, 'Forbidden'), 'forbidden'],
    ['HTTP 503', new StreamableHTTPError(503, 'Unavailable'), 'server'],
    ['the SDK’s UnauthorizedError', Object.assign(new Error('no token'), { name: 'UnauthorizedError' }), 'auth'],
    ['ECONNREFUSED', Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), 'network'],
    ['a plain Error', new Error('socket hang up'), 'network'],
  ])('%s → %s', (_label, error, errorClass) => {
    expect(classifyCallFailure(error).errorClass).toBe(errorClass);
  });

  it('a transport timeout says so without a made-up duration', () => {
    expect(classifyCallFailure(Object.assign(new Error('aborted'), { name: 'TimeoutError' }))).toEqual({ errorClass: 'timeout', detail: 'no response in time' });
  });

  it('libs/mcp’s McpCallError keeps its class, status and retryAfterMs; a tool the server does not list is our misconfiguration', () => {
    const limited = new McpCallError('rate_limit', McpCodes.unreachable, 'MCP http://x tools/call t: the server answered 429', { operation: 'tools/call t', status: 429, retryAfterMs: 2_000 });
    expect(classifyCallFailure(limited)).toEqual({ errorClass: 'rate_limit', detail: limited.message, status: 429, retryAfterMs: 2_000 });
    const missing = new McpCallError('not_found', McpCodes.toolNotFound, 'MCP node tools/call t: the server lists no tool named t', { operation: 'tools/call t' });
    expect(classifyCallFailure(missing).errorClass).toBe('client');
  });
});

describe('callFailureError, toolResultError, malformedToolResult (the provider’s IntegrationErrors)', () => {
  it('a thrown failure is framed as the provider’s, with the cause; the provider’s own IntegrationError passes through', () => {
    const thrown = new McpError(ErrorCode.RequestTimeout, 'Request timed out');
    const error = callFailureError(thrown, CALL);
    expect(error).toMatchObject({ errorClass: 'timeout', retryable: true, provider: 'acme', operation: 'getWidget', cause: thrown });
    expect(error.message).toBe('Acme getWidget failed (MCP get_widget, timeout): MCP error -32001: Request timed out');
    const own = new IntegrationError('circuit_open', 'open', { provider: 'acme', operation: 'x' });
    expect(callFailureError(own, CALL)).toBe(own);
    expect(callFailureError(new Error('x'.repeat(1_000)), CALL).message).toHaveLength(500);
  });

  it.each<[Record<string, unknown>, ErrorClass, number | undefined]>([
    [{ errorClass: 'conflict', httpStatus: 500 }, 'conflict', 500],
    [{ errorClass: 'no-such-class', httpStatus: 404 }, 'not_found', 404],
    [{ httpStatus: 429, retryAfterMs: 3_000 }, 'rate_limit', 429],
    [{}, 'not_found', undefined],
  ])('an error result with _meta %j is %s; the text is framed unless it already reads as the provider’s', (meta, errorClass, status) => {
    const result: McpToolResult = { isError: true, content: [text('Widget 7 not found')], _meta: meta };
    const error = toolResultError(result, CALL);
    expect(error).toMatchObject({ errorClass, status, provider: 'acme', operation: 'getWidget', retryAfterMs: meta.retryAfterMs });
    expect(error.message).toBe(`Acme getWidget failed (MCP get_widget${status ? ` ${status}` : ''}): Widget 7 not found`);
    expect(toolResultError({ ...result, content: [text('Acme getWidget failed (404): gone')] }, CALL).message).toBe('Acme getWidget failed (404): gone');
  });

  it('an error result without text, read by a provider’s own rules', () => {
    expect(toolResultError({ isError: true, content: [] }, CALL).message).toBe('Acme getWidget failed (MCP get_widget): no message');
    expect(toolResultError({ isError: true, content: [text('Mandatory field')] }, CALL, [[/mandatory/i, 'validation']]).errorClass).toBe('validation');
    expect(toolResultError({ isError: true, content: [text('Mandatory field')] }, CALL).errorClass).toBe('client');
  });

  it('a malformed result is a permanent client error', () => {
    expect(malformedToolResult(CALL, 'getWidget')).toMatchObject({ errorClass: 'client', retryable: false, provider: 'acme', operation: 'getWidget', message: 'Acme getWidget returned an unexpected MCP tool result' });
  });
});
