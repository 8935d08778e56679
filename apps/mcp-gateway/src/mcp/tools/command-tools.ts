import { Messages, type MessageDefinition, type MessageType } from '@junction/contracts';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';

/** A Junction command as an MCP tool. */
export interface CommandTool {
  readonly name: string;
  readonly commandType: MessageType;
  readonly payload: z.ZodType;
  readonly tool: Tool;
}

/** `erp.sales-order.create` → `erp_sales_order_create` (MCP clients restrict tool names; `_` is safe everywhere). */
export function toolNameOf(commandType: string): string {
  return commandType.replace(/[.-]/g, '_');
}

/** Arguments every command tool takes beside its payload's fields. */
const ENVELOPE_ARGUMENTS = {
  connectionId: {
    type: 'string',
    format: 'uuid',
    description: "The tenant's connection to run on (a connection id); absent: the tenant's default connection of the provider.",
  },
  idempotencyKey: {
    type: 'string',
    format: 'uuid',
    description: 'A UUID used as the command id: a retried call with the same key publishes nothing new and returns the same answer.',
  },
} as const;

export const envelopeArgumentsSchema = z.object({
  connectionId: z.uuid().optional(),
  idempotencyKey: z.uuid().optional(),
});

function describe(definition: MessageDefinition): string {
  const replies = definition.replies!;
  return (
    `Junction command ${definition.type} (v${definition.version}, on ${definition.topic}). ` +
    `Returns the ${replies.succeeded} event's payload; a ${replies.failed} answer is an error result with its code and message. ` +
    'When no answer arrives in time the result is {status: "pending", commandId}: poll GET /commands/<commandId>.'
  );
}

function inputSchemaOf(payload: z.ZodType): Tool['inputSchema'] {
  const schema = z.toJSONSchema(payload, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  const { $schema: _ignored, ...rest } = schema;
  const properties = { ...((rest.properties as Record<string, unknown> | undefined) ?? {}) };
  for (const [key, value] of Object.entries(ENVELOPE_ARGUMENTS)) if (!(key in properties)) properties[key] = value;
  return { ...rest, type: 'object', properties } as Tool['inputSchema'];
}

/** Every command in the registry, as tools, in registry order. Built once: the registry is code. */
export function commandTools(): CommandTool[] {
  return Object.values(Messages)
    .filter((definition) => definition.kind === 'command' && definition.replies)
    .map((definition) => {
      const d = definition as MessageDefinition;
      const name = toolNameOf(d.type);
      return { name, commandType: d.type as MessageType, payload: d.payload, tool: { name, title: d.type, description: describe(d), inputSchema: inputSchemaOf(d.payload) } };
    });
}
