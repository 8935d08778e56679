import { type IntegrationError } from '@junction/resilience';

/** Stable code of an `mcp.tool.invoke` whose tool may or may not have run (see the contract's idempotency rules). */
export const MCP_OUTCOME_UNKNOWN = 'MCP_OUTCOME_UNKNOWN';

/**
 * A non-idempotent tool call whose outcome cannot be known: not retried, answered `mcp.tool.invoke.failed`
 * MCP_OUTCOME_UNKNOWN (CommandStep takes any non-retryable error but auth/forbidden/connection as the answer).
 * `errorClass` is the failure's own (timeout, network, server) or `internal` when a previous delivery never recorded
 * its outcome (this replica or another crashed, or lost its lease, mid-call).
 */
export class McpOutcomeUnknownError extends Error {
  override readonly name = 'McpOutcomeUnknownError';
  readonly code = MCP_OUTCOME_UNKNOWN;
  readonly retryable = false;

  constructor(
    readonly errorClass: string,
    message: string,
  ) {
    super(message);
  }

  /** The call failed in a way that may have reached the tool (timeout, dropped connection, 5xx). */
  static after(error: IntegrationError, tool: string): McpOutcomeUnknownError {
    return new McpOutcomeUnknownError(
      error.errorClass,
      `tool ${tool} is not idempotent and its call failed after it may have reached the server (${error.message}); it is not called again: check the server before sending a new command`,
    );
  }

  /** A previous delivery sent the call and never recorded what came of it. */
  static previousDelivery(tool: string, connection: string): McpOutcomeUnknownError {
    return new McpOutcomeUnknownError(
      'internal',
      `tool ${tool} is not idempotent and a previous delivery of this command called it on connection ${connection} without recording the outcome (a crash or a lost lease mid-call); it is not called again: check the server before sending a new command`,
    );
  }
}
