import { z } from 'zod';
import { baseEnvSchema } from '@junction/platform';
import { parseKeyRing } from '@junction/security';

/** Standalone needs nothing: every value has a default, and DATABASE_URL falls back to embedded Postgres. */
export const standaloneEnvSchema = baseEnvSchema.extend({
  JUNCTION_DATA_DIR: z.string().min(1).default('.junction'),
  /** Added to every app's default port (3000-3007), to run a second Junction beside the first. */
  JUNCTION_PORT_OFFSET: z.coerce.number().int().min(0).max(60_000).default(0),
  JUNCTION_API_KEY: z.string().min(16).optional(),
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(50).default(3),
  /** Key-encryption key ring for stored secrets. Unset: `<JUNCTION_DATA_DIR>/kek`, created on first start. */
  JUNCTION_KEK: z
    .string()
    .superRefine((value, ctx) => {
      try {
        parseKeyRing(value);
      } catch (error: unknown) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
      }
    })
    .optional(),
});

export type StandaloneEnv = z.infer<typeof standaloneEnvSchema>;
