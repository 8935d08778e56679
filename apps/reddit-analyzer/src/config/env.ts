import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';
import { isKeyRing } from '@junction/security';

const KEK_FORMAT = '"<id>:<base64 of 32 bytes>[,<id>:<base64>…]"';

export const redditAnalyzerEnvSchema = baseEnvSchema
  .extend({
    /** Unset (both): the analyzer reads an in-process Reddit sandbox with a seeded community (never when credentials are set). */
    REDDIT_CLIENT_ID: z.string().min(1).optional(),
    REDDIT_CLIENT_SECRET: z.string().min(1).optional(),
    /** Reddit throttles generic agents: `<platform>:<app id>:<version> (by /u/<account>)`. Connections may name their own. */
    REDDIT_USER_AGENT: z.string().trim().min(3).max(256).default('server:io.junction.reddit-analyzer:v1.0 (by /u/junction-operator)'),
    REDDIT_AUTH_URL: z.url({ protocol: /^https?$/ }).default('https://www.reddit.com'),
    REDDIT_API_URL: z.url({ protocol: /^https?$/ }).default('https://oauth.reddit.com'),
    REDDIT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    REDDIT_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(8002),
    /**
     * Commands a `transport: mcp` connection's stdio server may be (its `config.mcp.command`, exact match),
     * comma-separated, e.g. `/usr/bin/node`. Unset: no stdio MCP server is started (HTTP ones still work), since it runs a
     * process on this host with whatever arguments a tenant's admin key sets.
     */
    MCP_STDIO_COMMANDS: z.string().optional(),
    /**
     * The key ring connection secrets are sealed with. Set: each command runs on its reddit connection (envelope
     * connectionId, else the tenant's default), and tenants without one fall back to REDDIT_* (or the sandbox).
     */
    JUNCTION_KEK: z.string().refine(isKeyRing, `must be ${KEK_FORMAT} (id: letters, digits, ".", "_" or "-"; ids unique)`).optional(),
  })
  .superRefine((env, ctx) => {
    refineBaseEnv(env, ctx);
    if (Boolean(env.REDDIT_CLIENT_ID) !== Boolean(env.REDDIT_CLIENT_SECRET)) {
      for (const key of ['REDDIT_CLIENT_ID', 'REDDIT_CLIENT_SECRET'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'set REDDIT_CLIENT_ID and REDDIT_CLIENT_SECRET together (or neither for the sandbox)' });
      }
    }
  });

export type RedditAnalyzerEnv = z.infer<typeof redditAnalyzerEnvSchema>;
