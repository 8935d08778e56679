import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';
import { isKeyRing } from '@junction/security';

const KEK_FORMAT = '"<id>:<base64 of 32 bytes>[,<id>:<base64>…]"';

export const linkedinWorkerEnvSchema = baseEnvSchema
  .extend({
    /**
     * A fixed member access token (no refresh: when LinkedIn refuses it, commands are dead-lettered AUTH_REJECTED).
     * Unset and no connections: the worker starts the LinkedIn sandbox in-process and uses a token it issued.
     */
    LINKEDIN_ACCESS_TOKEN: z.string().min(10).optional(),
    /** API host for LINKEDIN_ACCESS_TOKEN (default LinkedIn's). */
    LINKEDIN_API_URL: z.url({ protocol: /^https?$/ }).default('https://api.linkedin.com'),
    /** The organization commands act on when they name none and the connection names none (the N of urn:li:organization:N). */
    LINKEDIN_ORGANIZATION_ID: z.coerce.number().int().positive().optional(),
    /** LinkedIn-Version (YYYYMM or YYYYMM.RR); a connection's config.version wins. Default: last month's (always active). */
    LINKEDIN_VERSION: z
      .string()
      .regex(/^\d{4}(0[1-9]|1[0-2])(\.\d{2})?$/, 'YYYYMM or YYYYMM.RR')
      .optional(),
    LINKEDIN_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    LINKEDIN_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(8004),
    /**
     * The key ring connection secrets and OAuth tokens are sealed with. Set: each command runs on its LinkedIn
     * connection (envelope connectionId, else the tenant's default), with race-safe OAuth refresh.
     */
    /**
     * Commands a `transport: mcp` connection's stdio server may be (its `config.mcp.command`, exact match),
     * comma-separated, e.g. `/usr/bin/node`. Unset: no stdio MCP server is started (HTTP ones still work), since it runs a
     * process on this host with whatever arguments a tenant's admin key sets.
     */
    MCP_STDIO_COMMANDS: z.string().optional(),
    JUNCTION_KEK: z.string().refine(isKeyRing, `must be ${KEK_FORMAT} (id: letters, digits, ".", "_" or "-"; ids unique)`).optional(),
  })
  .superRefine(refineBaseEnv);

export type LinkedinWorkerEnv = z.infer<typeof linkedinWorkerEnvSchema>;
