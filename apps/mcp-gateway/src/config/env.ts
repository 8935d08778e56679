import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';

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
  })
  .superRefine(refineBaseEnv);

export type McpGatewayEnv = z.infer<typeof mcpGatewayEnvSchema>;
