import { Injectable, Logger } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { McpCallError, McpCodes, type McpCallScope } from '@junction/mcp';
import { CommandStep } from '@junction/messaging';
import { IntegrationError } from '@junction/resilience';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { McpConnections } from '../../../connections/mcp-connection.resolver';
import { McpOutcomeUnknownError } from '../../invoke.errors';
import { ToolDispatchRepository } from '../../tool-dispatch.repository';
import { capToolResult } from './tool-result.mapper';

type InvokeTool = MessageOf<'mcp.tool.invoke'>;

interface Invoked {
  readonly connectionId: string;
  readonly tool: Tool;
  readonly result: CallToolResult;
  readonly latencyMs: number;
}

/**
 * mcp.tool.invoke → one `tools/call` on the command's MCP connection → mcp.tool.invoked, or .failed with a stable
 * code: MCP_TOOL_NOT_FOUND and MCP_INVALID_ARGUMENTS (the arguments checked against the tool's input schema) without
 * calling the server; MCP_TOOL_ERROR for an `isError` result; the connection's code (CONNECTION_NOT_FOUND,
 * NO_CONNECTION, MCP_COMMAND_NOT_ALLOWED …) and auth failures after dead-lettering. Transport failures are retried
 * (pipeline, then redelivery) only for a tool that declares `idempotentHint` or `readOnlyHint`.
 *
 * Any other tool may have an effect and no idempotency key to send: a committed dispatch mark (effect ledger) is
 * taken before the call, and a delivery that finds it taken, or a call that failed after it may have reached the
 * server, answers MCP_OUTCOME_UNKNOWN instead of calling again. The claim's `attempts` alone cannot tell that a
 * previous delivery reached the call: a release after "server unreachable" counts the same as a crash mid-call.
 */
@Injectable()
export class InvokeToolHandler {
  private readonly logger = new Logger(InvokeToolHandler.name);

  constructor(
    private readonly commands: CommandStep,
    private readonly connections: McpConnections,
    private readonly dispatches: ToolDispatchRepository,
  ) {}

  async execute(command: InvokeTool): Promise<void> {
    const { tool: name, arguments: args } = command.payload;
    await this.commands.run<'mcp.tool.invoke', Invoked>(command, {
      provider: 'mcp',
      operation: 'tool.call',
      // No provider-side identity exists for a tool call: the command is the unit of deduplication.
      naturalKey: command.id,
      effect: async ({ signal }) => {
        const { connection, client } = await this.connections.forCommand(command);
        const scope: McpCallScope = { correlationId: command.correlationId, messageId: command.id, deadline: command.deadline ? Date.parse(command.deadline) : undefined, signal };
        const tool = (await client.tools(scope)).find((t) => t.name === name);
        if (!tool) throw new McpCallError('not_found', McpCodes.toolNotFound, `MCP connection ${connection.name} (${connection.id}): the server lists no tool named ${name}`, { operation: `tools/call ${name}` });
        const idempotent = tool.annotations?.idempotentHint === true || tool.annotations?.readOnlyHint === true;
        if (!idempotent && !(await this.dispatches.mark({ commandId: command.id, connectionId: connection.id, tool: name }))) {
          throw McpOutcomeUnknownError.previousDelivery(name, connection.id);
        }
        const started = performance.now();
        let result: CallToolResult;
        try {
          result = await client.callTool(name, args, scope);
        } catch (error) {
          if (!idempotent) await this.settleDispatch(command.id, name, error);
          throw error;
        }
        const latencyMs = Math.round(performance.now() - started);
        this.logger.log({ message: 'tool called', tool: name, connectionId: connection.id, latencyMs, messageId: command.id, correlationId: command.correlationId });
        return { connectionId: connection.id, tool, result, latencyMs };
      },
      succeeded: ({ connectionId, result, latencyMs }) => {
        const capped = capToolResult(result);
        if (capped.truncated) this.logger.warn({ message: 'tool result over the contract caps: truncated in the event', tool: name, messageId: command.id, correlationId: command.correlationId });
        return {
          commandId: command.id,
          connection: connectionId,
          tool: name,
          content: capped.content,
          ...(capped.structuredContent ? { structuredContent: capped.structuredContent } : {}),
          latencyMs,
        };
      },
      ledger: ({ connectionId, tool }) => ({ outcome: tool.annotations?.readOnlyHint === true ? 'read' : 'created', externalRef: connectionId }),
    });
  }

  /**
   * After a failed non-idempotent call: a call that never reached the tool gives its mark back (a redelivery may
   * call); one that may have reached it is answered MCP_OUTCOME_UNKNOWN now rather than after a redelivery. Errors
   * that are answers (isError, a JSON-RPC error) keep the mark and go on as they are.
   */
  private async settleDispatch(commandId: string, tool: string, error: unknown): Promise<void> {
    if (neverReachedTool(error)) {
      await this.dispatches.unmark(commandId);
      return;
    }
    if (error instanceof IntegrationError && error.retryable) throw McpOutcomeUnknownError.after(error, tool);
  }
}

/**
 * Failures that certainly happened before `tools/call` reached the server: refused by our own checks, no session
 * could be opened, the breaker or a rate limit held the call back, the server refused the credentials.
 */
export function neverReachedTool(error: unknown): boolean {
  if (!(error instanceof IntegrationError)) return false;
  if (error.code === McpCodes.invalidArguments || error.code === McpCodes.toolNotFound || error.code === McpCodes.closed) return true;
  if (error.operation === 'initialize' || error.operation === 'connect') return true;
  return error.errorClass === 'circuit_open' || error.errorClass === 'rate_limit' || error.errorClass === 'auth' || error.errorClass === 'forbidden';
}
