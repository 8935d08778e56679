import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';
import { isKeyRing } from '@junction/security';

const KEK_FORMAT = '"<id>:<base64 of 32 bytes>[,<id>:<base64>…]"';

const toolGlob = z.string().regex(/^[A-Za-z0-9_.*\/-]{1,128}$/, 'keys are tool names or globs (letters, digits, _ - . / and *)');

/**
 * MCP_TOOL_RATE_LIMITS: JSON `{ "<tool glob>": { "perMinute": n } }`, shared by every replica (rate_limit_bucket). A
 * call takes a permit from every glob that matches its tool, so `{"*":{"perMinute":600},"erp_*":{"perMinute":60}}`
 * caps all tools together and ERP tools on top. Unknown fields are errors (a typo must not silently mean no limit).
 */
export const toolRateLimits = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be a JSON object ({"<tool glob>": {"perMinute": n}})' });
      return z.NEVER;
    }
  })
  .pipe(z.record(toolGlob, z.strictObject({ perMinute: z.number().int().min(1).max(1_000_000) })));
export type ToolRateLimits = z.infer<typeof toolRateLimits>;

export const mcpGatewayEnvSchema = baseEnvSchema
  .extend({
    /** How long a tool call waits for its command's answer before returning `{status: 'pending'}` (a call's `_meta.timeoutMs` may shorten it). */
    MCP_CALL_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(30_000),
    MCP_TOOL_RATE_LIMITS: toolRateLimits.optional(),
    /** The window `junction://metrics/tools` aggregates over. */
    MCP_METRICS_WINDOW_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
    /**
     * The key ring connection secrets are sealed with (the same as webhook-ingress's). Set: `mcp.tool.invoke` runs on
     * the tenant's MCP connections and their tools are federated into /mcp. Unset: no connection can be opened, so
     * every `mcp.tool.invoke` is answered `.failed` NO_CONNECTION (dead-lettered: redrive once the key is set) and
     * /mcp lists Junction's commands only.
     */
    JUNCTION_KEK: z.string().refine(isKeyRing, `must be ${KEK_FORMAT} (id: letters, digits, ".", "_" or "-"; ids unique)`).optional(),
    /**
     * Commands an `mcp-stdio` connection may start, comma-separated, exact match (the same list as webhook-ingress's
     * and the CLI's). Unset: none; a stdio connection's command is refused with MCP_COMMAND_NOT_ALLOWED.
     */
    MCP_STDIO_COMMANDS: z.string().optional(),
    /** How long tools/list waits for each federated MCP server; a slower or dead one is left out of that listing. */
    MCP_FEDERATION_LIST_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
  })
  .superRefine(refineBaseEnv);

export type McpGatewayEnv = z.infer<typeof mcpGatewayEnvSchema>;
