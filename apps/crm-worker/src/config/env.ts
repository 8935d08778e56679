import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';
import { isKeyRing } from '@junction/security';

const KEK_FORMAT = '"<id>:<base64 of 32 bytes>[,<id>:<base64>…]"';

export const crmWorkerEnvSchema = baseEnvSchema
  .extend({
    /** HubSpot API base (https://api.hubapi.com). Unset together with CRM_ACCESS_TOKEN: the in-process CRM sandbox. */
    CRM_URL: z.url({ protocol: /^https?$/ }).optional(),
    /** A private-app token (`pat-…`). */
    CRM_ACCESS_TOKEN: z.string().min(1).optional(),
    CRM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
    CRM_SANDBOX_PORT: z.coerce.number().int().min(0).max(65_535).default(8003),
    /**
     * The key ring connection secrets are sealed with. Set: each command runs on its CRM connection (envelope
     * connectionId, else the tenant's default `crm` connection); CRM_* then serve only TENANT_ID when it has none.
     * Unset: CRM_* (or the sandbox) for every command, and a command naming a connection is dead-lettered.
     */
    JUNCTION_KEK: z.string().refine(isKeyRing, `must be ${KEK_FORMAT} (id: letters, digits, ".", "_" or "-"; ids unique)`).optional(),
  })
  .superRefine((env, ctx) => {
    refineBaseEnv(env, ctx);
    if (Boolean(env.CRM_URL) !== Boolean(env.CRM_ACCESS_TOKEN)) {
      for (const key of ['CRM_URL', 'CRM_ACCESS_TOKEN'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'set CRM_URL and CRM_ACCESS_TOKEN together (or neither for the sandbox)' });
      }
    }
  });

export type CrmWorkerEnv = z.infer<typeof crmWorkerEnvSchema>;
