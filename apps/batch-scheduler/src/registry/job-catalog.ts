import { z } from 'zod';
import type { BatchJob } from '../jobs/batch-job';
import { SchedulerError } from '../scheduler.error';

/** A job as the admin API and `junction schedules jobs` show it. */
export interface JobView {
  name: string;
  description: string;
  /** The params' JSON Schema (input side), from the job's zod schema. */
  params: unknown;
}

/** What the catalog needs of a job: its name, description and params schema (the CLI has no job instances to run). */
export type JobDescriptor = Pick<BatchJob, 'name' | 'description' | 'params'>;

/** What validating a job's params needs of the registry: the names and the zod schemas. */
export class JobCatalog {
  constructor(private readonly jobs: ReadonlyMap<string, JobDescriptor>) {}

  list(): JobView[] {
    return [...this.jobs.values()].sort((a, b) => a.name.localeCompare(b.name)).map((job) => ({ name: job.name, description: job.description, params: paramsSchema(job) }));
  }

  /** The job named `name`, or 400 UNKNOWN_JOB naming the ones there are. */
  get(name: string): JobDescriptor {
    const job = this.jobs.get(name);
    if (!job) throw new SchedulerError('UNKNOWN_JOB', `unknown job "${name}" (known: ${[...this.jobs.keys()].sort().join(', ') || 'none'})`);
    return job;
  }

  /** Checks `params` against the job's schema: 400 INVALID_PARAMS with zod's issues. Returns them as given. */
  validate(name: string, params: unknown): Record<string, unknown> {
    const parsed = this.get(name).params.safeParse(params);
    if (!parsed.success) {
      throw new SchedulerError('INVALID_PARAMS', `params of ${name}: ${parsed.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ')}`);
    }
    return params as Record<string, unknown>;
  }
}

function paramsSchema(job: JobDescriptor): unknown {
  try {
    return z.toJSONSchema(job.params, { io: 'input', unrepresentable: 'any' });
  } catch {
    return {};
  }
}
