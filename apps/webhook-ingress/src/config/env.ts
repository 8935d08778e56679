import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';

export const ingressEnvSchema = baseEnvSchema
  .extend({
    /** Bearer key for POST /commands. Unset: the endpoint answers 403 COMMANDS_DISABLED. */
    JUNCTION_API_KEY: z.string().min(16, 'must be at least 16 characters').optional(),
  })
  .superRefine(refineBaseEnv);

export type IngressEnv = z.infer<typeof ingressEnvSchema>;
