import { McpCallError, McpCodes } from '@junction/mcp';
import { IntegrationError } from '@junction/resilience';
import { neverReachedTool } from './invoke-tool.handler';

const mcp = (errorClass: ConstructorParameters<typeof McpCallError>[0], code: ConstructorParameters<typeof McpCallError>[1], operation = 'tools/call x') =>
  new McpCallError(errorClass, code, 'm', { operation });

describe('neverReachedTool (may a non-idempotent call be sent again?)', () => {
  it('yes after our own refusals, a session that never opened, a breaker or a rate limit, refused credentials', () => {
    expect(neverReachedTool(mcp('validation', McpCodes.invalidArguments))).toBe(true);
    expect(neverReachedTool(mcp('not_found', McpCodes.toolNotFound))).toBe(true);
    expect(neverReachedTool(mcp('network', McpCodes.unreachable, 'initialize'))).toBe(true);
    expect(neverReachedTool(mcp('network', McpCodes.closed, 'connect'))).toBe(true);
    expect(neverReachedTool(new IntegrationError('circuit_open', 'open', { provider: 'mcp', operation: 'tools/call x' }))).toBe(true);
    expect(neverReachedTool(new IntegrationError('rate_limit', 'later', { provider: 'mcp', operation: 'tools/call x', retryAfterMs: 1_000 }))).toBe(true);
    expect(neverReachedTool(mcp('auth', McpCodes.auth))).toBe(true);
  });

  it('no after a failure during the call, and for anything unclassified', () => {
    expect(neverReachedTool(mcp('timeout', McpCodes.timeout))).toBe(false);
    expect(neverReachedTool(mcp('network', McpCodes.unreachable))).toBe(false);
    expect(neverReachedTool(mcp('server', McpCodes.unreachable))).toBe(false);
    expect(neverReachedTool(mcp('client', McpCodes.toolError))).toBe(false);
    expect(neverReachedTool(new Error('socket hang up'))).toBe(false);
  });
});
