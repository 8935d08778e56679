import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';
import { isKeyRing } from '@junction/security';

const KEK_FORMAT = '"<id>:<base64 of 32 bytes>[,<id>:<base64>…]"';

export const erpWorkerEnvSchema = baseEnvSchema
  .extend({
    /** Unset: the worker runs against an in-process ERPNext sandbox (never when credentials are set). */
    ERPNEXT_URL: z.url({ protocol: /^https?$/ }).optional(),
    ERPNEXT_API_KEY: z.string().min(1).optional(),
    ERPNEXT_API_SECRET: z.string().min(1).optional(),
    ERPNEXT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    ERPNEXT_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(8000),
    /**
     * The key ring the connection secrets are sealed with (the same as webhook-ingress's). Set: commands resolve
     * their ERPNext connection (envelope connectionId, else the tenant's default), and ERPNEXT_* become TENANT_ID's
     * default connection `erpnext-env`. Unset: the worker runs as before connections existed (ERPNEXT_* or the
     * sandbox for every command; a command naming a connection is dead-lettered).
     */
    JUNCTION_KEK: z.string().refine(isKeyRing, `must be ${KEK_FORMAT} (id: letters, digits, ".", "_" or "-"; ids unique)`).optional(),
    /**
     * Commands an erpnext connection with transport mcp may start as its stdio MCP server (`config.mcp.command`),
     * comma-separated, exact match (the same list as webhook-ingress's and the CLI's). Unset: none; MCP servers
     * over HTTP need no listing.
     */
    MCP_STDIO_COMMANDS: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    refineBaseEnv(env, ctx);
    const set = [env.ERPNEXT_URL, env.ERPNEXT_API_KEY, env.ERPNEXT_API_SECRET].filter(Boolean).length;
    if (set !== 0 && set !== 3) {
      for (const key of ['ERPNEXT_URL', 'ERPNEXT_API_KEY', 'ERPNEXT_API_SECRET'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'set ERPNEXT_URL, ERPNEXT_API_KEY and ERPNEXT_API_SECRET together (or none for the sandbox)' });
      }
    }
  });

export type ErpWorkerEnv = z.infer<typeof erpWorkerEnvSchema>;
