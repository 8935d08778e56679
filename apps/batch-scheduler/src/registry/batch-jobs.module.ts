import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import type { ModuleImport } from '@junction/platform';
import type { BatchJob, BatchJobRegistry } from '../jobs/batch-job';

/** Jobs the scheduler adds to BATCH_JOBS (the jobs module's registry): the retention job, a test's own job. */
export const SCHEDULER_JOBS = Symbol('SCHEDULER_JOBS');

export interface BatchJobsModuleOptions {
  /** Modules whose exports the jobs need (RetentionModule for the retention job …). */
  imports?: ModuleImport[];
  /** The job classes (Nest providers); each instance's `name` is its registry key. */
  jobs: ReadonlyArray<Type<BatchJob>>;
}

/**
 * Provides SCHEDULER_JOBS from a list of job classes. The scheduler runs and validates against the union of these and
 * BATCH_JOBS (JobsModule: sync, CSV, reconciliation), so the scheduler's own jobs need no edit of the jobs module, and
 * an in-process int-spec can pass a test-only job without registering it in production code.
 */
@Module({})
export class BatchJobsModule {
  static forRoot(options: BatchJobsModuleOptions): DynamicModule {
    const registry: Provider = { provide: SCHEDULER_JOBS, inject: [...options.jobs], useFactory: (...jobs: BatchJob[]): BatchJob[] => jobs };
    return { module: BatchJobsModule, imports: options.imports ?? [], providers: [...options.jobs, registry], exports: [SCHEDULER_JOBS] };
  }
}

/** BATCH_JOBS ∪ the scheduler's jobs, by name; two jobs with one name are a startup error. */
export function mergeJobRegistries(registry: BatchJobRegistry | undefined, extra: readonly BatchJob[] | undefined): BatchJobRegistry {
  const merged = new Map<string, BatchJob>(registry ?? []);
  for (const job of extra ?? []) {
    if (merged.has(job.name)) throw new Error(`two batch jobs are named "${job.name}"`);
    merged.set(job.name, job);
  }
  return merged;
}
