import type { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';

export const envSchema = baseEnvSchema.superRefine(refineBaseEnv);
export type Env = z.infer<typeof envSchema>;
