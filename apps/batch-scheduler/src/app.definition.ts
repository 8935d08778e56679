import { IntegrationsModule } from '@junction/integrations';
import { defineApp, ResilienceModule } from '@junction/platform';
import { SecurityModule } from '@junction/security';
import { envSchema } from './config/env';
import { FilesModule } from './files/files.module';
import { JobsModule, SYNC_AND_CSV_JOBS } from './jobs/jobs.module';
import { SchedulerModule } from './leader/scheduler.module';
import { BatchJobsModule } from './registry/batch-jobs.module';
import { RetentionBatchJob } from './retention/retention.job';
import { RetentionModule } from './retention/retention.module';

/**
 * batch-scheduler: cron schedules in Postgres fired by one leader (a Postgres session advisory lock), batch runs
 * with progress, resume and cancel, and the admin API; the jobs it runs are listed in BatchJobsModule. The retention
 * job also keeps its env-driven interval (RETENTION_ENABLED / RETENTION_INTERVAL_MINUTES), one replica at a time by
 * its own advisory lock.
 */
export const batchScheduler = defineApp({
  name: 'batch-scheduler',
  defaultPort: 3005,
  envSchema,
  imports: (env) => {
    // One instance, imported twice: the interval and the `retention` job share the handler (and no second interval).
    const retention = RetentionModule.forRoot(env);
    return [
      retention,
      // The sync, CSV and reconciliation jobs: provider reads through the pipelines, on the tenant's connection with a KEK.
      ResilienceModule.forRoot({ tenantId: env.TENANT_ID, overrides: env.PROVIDER_POLICY_OVERRIDES }),
      ...(env.JUNCTION_KEK ? [SecurityModule.forRoot({ kek: env.JUNCTION_KEK }), IntegrationsModule.forRoot()] : []),
      JobsModule.forRoot(env),
      FilesModule.forRoot(),
      SchedulerModule.forRoot(
        {
          databaseUrl: env.DATABASE_URL!,
          enabled: env.SCHEDULER_ENABLED,
          tickMs: env.SCHEDULER_TICK_MS,
          leaderRetryMs: env.SCHEDULER_LEADER_RETRY_MS,
          misfireGraceMs: env.SCHEDULER_MISFIRE_GRACE_SECONDS * 1_000,
          concurrency: env.BATCH_RUN_CONCURRENCY,
          leaseMs: env.BATCH_RUN_LEASE_SECONDS * 1_000,
        },
        BatchJobsModule.forRoot({ imports: [retention], jobs: [RetentionBatchJob, ...SYNC_AND_CSV_JOBS] }),
      ),
    ];
  },
});
