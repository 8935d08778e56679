import { type DynamicModule, Module, type Provider, type Type } from '@nestjs/common';
import type { ModuleImport } from '@junction/platform';
import { BATCH_JOBS, type BatchJob, type BatchJobRegistry } from '../jobs/batch-job';

export interface BatchJobsModuleOptions {
  /** Modules whose exports the jobs need (RetentionModule for the retention job …). */
  imports?: ModuleImport[];
  /** The job classes (Nest providers); each instance's `name` is its registry key. */
  jobs: ReadonlyArray<Type<BatchJob>>;
}

/**
 * Provides BATCH_JOBS, the registry the scheduler runs and validates against, from a list of job providers. Production
 * lists its jobs in app.definition; an int-spec passes its own test-only job module here instead.
 */
@Module({})
export class BatchJobsModule {
  static forRoot(options: BatchJobsModuleOptions): DynamicModule {
    const registry: Provider = {
      provide: BATCH_JOBS,
      inject: [...options.jobs],
      useFactory: (...jobs: BatchJob[]): BatchJobRegistry => {
        const map = new Map<string, BatchJob>();
        for (const job of jobs) {
          if (map.has(job.name)) throw new Error(`two batch jobs are named "${job.name}"`);
          map.set(job.name, job);
        }
        return map;
      },
    };
    return { module: BatchJobsModule, imports: options.imports ?? [], providers: [...options.jobs, registry], exports: [BATCH_JOBS] };
  }
}
