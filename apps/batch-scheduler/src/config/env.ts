import { z } from 'zod';
import { baseEnvSchema, envBoolean, refineBaseEnv } from '@junction/platform';
import { batchJobsEnvShape, refineBatchJobsEnv } from './batch-jobs-env';
import { refineRetentionEnv, retentionEnvShape } from './retention-env';

export const envSchema = baseEnvSchema
  .extend({
    ...retentionEnvShape,
    ...batchJobsEnvShape,
    /** false: this replica never runs the retention job (another one, or `junction retention run` from cron, does). */
    RETENTION_ENABLED: envBoolean.default(true),
    /** Minutes between two retention runs of this replica (only the one holding the advisory lock works). */
    RETENTION_INTERVAL_MINUTES: z.coerce.number().int().min(1).max(10_080).default(60),
    /** false: this replica never competes for the scheduler leadership (it still serves the admin API). */
    SCHEDULER_ENABLED: envBoolean.default(true),
    /** The leader fires due schedules and claims queued / stale runs this often. */
    SCHEDULER_TICK_MS: z.coerce.number().int().min(100).max(60_000).default(1_000),
    /** A follower tries to take the leader lock this often; the leader checks its lock connection as often. */
    SCHEDULER_LEADER_RETRY_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
    /** A tick later than this counts as missed (the schedule's missed-run policy decides); on time otherwise. */
    SCHEDULER_MISFIRE_GRACE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(60),
    /** Batch runs the leader runs at once. */
    BATCH_RUN_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(2),
    /** A running run whose heartbeat is older is resumed by the leader (its owner died); heartbeats every quarter. */
    BATCH_RUN_LEASE_SECONDS: z.coerce.number().int().min(2).max(3_600).default(30),
  })
  .superRefine((env, ctx) => {
    refineBaseEnv(env, ctx);
    refineRetentionEnv(env, ctx);
    refineBatchJobsEnv(env, ctx);
  });
export type Env = z.infer<typeof envSchema>;
