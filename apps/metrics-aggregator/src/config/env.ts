import { z } from 'zod';
import { baseEnvSchema, refineBaseEnv } from '@junction/platform';

export const envSchema = baseEnvSchema
  .extend({
    // Call records are tiny DB-only deliveries; the batcher can only group what is in flight at once, so this
    // app takes more at a time than the workers (whose handlers call providers).
    CONSUMER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(64),
    /** At most this many call records are folded into one transaction. */
    METRICS_BATCH_MAX: z.coerce.number().int().min(1).max(1_000).default(200),
    /** How long the first record of a batch waits for others (ms) before the batch is written anyway. */
    METRICS_BATCH_WAIT_MS: z.coerce.number().int().min(0).max(1_000).default(20),
    /** The trailing range the Prometheus gauges of /metrics cover (minutes of 1-minute windows). */
    METRICS_PROMETHEUS_RANGE_MINUTES: z.coerce.number().int().min(1).max(60).default(5),
  })
  .superRefine(refineBaseEnv);
export type Env = z.infer<typeof envSchema>;
