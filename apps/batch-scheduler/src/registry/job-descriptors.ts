import type { Type } from '@nestjs/common';
import type { BatchJob } from '../jobs/batch-job';
import { CsvExportJob } from '../jobs/csv-export/csv-export.job';
import { CsvImportJob } from '../jobs/csv-import/csv-import.job';
import { ReconcileCustomersJob } from '../jobs/reconcile/reconcile-customers.job';
import { ErpStockSyncJob } from '../jobs/sync/erp-stock-sync.job';
import { RedditMonitorSyncJob } from '../jobs/sync/reddit-monitor-sync.job';
import { RetentionBatchJob } from '../retention/retention.job';
import type { JobDescriptor } from './job-catalog';

/** Every job class batch-scheduler registers (the CLI validates schedules and runs against them). */
const JOB_CLASSES = [RetentionBatchJob, ErpStockSyncJob, RedditMonitorSyncJob, CsvImportJob, CsvExportJob, ReconcileCustomersJob] as unknown as ReadonlyArray<Type<BatchJob>>;

/**
 * Name, description and params schema of every job, without the job's dependencies: these are field initialisers, so
 * an instance built with no constructor arguments has them (it is never run). For the CLI, which writes schedules and
 * runs straight to the database and must refuse an unknown job or bad params exactly as the admin API does.
 */
export function jobDescriptors(): ReadonlyMap<string, JobDescriptor> {
  const map = new Map<string, JobDescriptor>();
  for (const Job of JOB_CLASSES) {
    const { name, description, params } = new (Job as unknown as new () => BatchJob)();
    map.set(name, { name, description, params });
  }
  return map;
}
