import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';

export const erpWorkerEnvSchema = baseEnvSchema
  .extend({
    /** Unset: the worker runs against an in-process ERPNext sandbox (never when credentials are set). */
    ERPNEXT_URL: z.url({ protocol: /^https?$/ }).optional(),
    ERPNEXT_API_KEY: z.string().min(1).optional(),
    ERPNEXT_API_SECRET: z.string().min(1).optional(),
    ERPNEXT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    ERPNEXT_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(8000),
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
