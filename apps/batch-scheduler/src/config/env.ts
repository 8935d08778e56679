import { z } from 'zod';
import { baseEnvSchema, envBoolean, refineBaseEnv } from '@junction/platform';
import { refineRetentionEnv, retentionEnvShape } from './retention-env';

export const envSchema = baseEnvSchema
  .extend({
    ...retentionEnvShape,
    /** false: this replica never runs the retention job (another one, or `junction retention run` from cron, does). */
    RETENTION_ENABLED: envBoolean.default(true),
    /** Minutes between two retention runs of this replica (only the one holding the advisory lock works). */
    RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
  })
  .superRefine((env, ctx) => {
    refineBaseEnv(env, ctx);
    refineRetentionEnv(env, ctx);
  });
export type Env = z.infer<typeof envSchema>;
