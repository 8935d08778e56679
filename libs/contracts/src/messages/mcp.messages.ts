import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineCommand, definitionsOf, messagesByType } from './define-command';

/** An MCP tool name as servers spell them (letters, digits, `_`, `-`, `.`, `/`). */
const toolName = z.string().regex(/^[A-Za-z0-9_.\/-]{1,128}$/, 'an MCP tool name (letters, digits, _ - . /; at most 128)');

/**
 * Call one tool of an MCP server connection (`mcp-stdio`, `mcp-http`, `mcp-sse`): the envelope's `connectionId`
 * names it, else the tenant's default MCP connection. The arguments are checked against the tool's input schema
 * before the call; a result the server marks `isError` is answered with `mcp.tool.invoke.failed`
 * (MCP_TOOL_ERROR). Handled by mcp-gateway, which holds the MCP sessions.
 *
 * Idempotency: a redelivered command never calls the tool twice once its result is committed (effect ledger); a
 * call cut off mid-way (crash) is repeated only when the tool declares `idempotentHint` or `readOnlyHint`, otherwise
 * the command fails with MCP_OUTCOME_UNKNOWN rather than risk a second effect.
 */
export const mcpToolInvoke = defineCommand({
  type: 'mcp.tool.invoke',
  topic: Topics.mcpCommands,
  eventTopic: Topics.mcpEvents,
  payload: z.strictObject({
    tool: toolName,
    arguments: z.record(z.string(), z.unknown()).default({}),
  }),
  succeeded: {
    type: 'mcp.tool.invoked',
    payload: z.strictObject({
      commandId: z.uuid(),
      /** The connection the tool ran on. */
      connection: z.string().max(200),
      tool: toolName,
      /** The result's content blocks (text, image, resource …), as the server sent them (capped at 256 KiB in all). */
      content: z.array(z.record(z.string(), z.unknown())).max(1_000),
      /** The tool's structured output, when it declares an output schema. */
      structuredContent: z.record(z.string(), z.unknown()).optional(),
      latencyMs: z.number().int().nonnegative(),
    }),
  },
});

/** Every mcp.* message. */
export const mcpMessages = messagesByType(...definitionsOf(mcpToolInvoke));

/** The commands mcp-gateway handles. */
export const mcpGatewayCommands = [mcpToolInvoke.command.type] as const;
