import type { PrismaService } from '@junction/persistence';
import type { BatchProgress, BatchProgressDelta, BatchRowErrorInput } from '../jobs/batch-job';
import { BatchRunLeaseLostError, BatchRunRepository } from './batch-run.repository';

export interface RunProgressOptions {
  /** The lease holder: writes are refused (BatchRunLeaseLostError) once another process owns the run. */
  leaseOwner?: string;
  /** Called when a checkpoint finds the run cancelled: the runner aborts the job's signal. */
  onCancelled?: () => void;
}

/**
 * BatchProgress of one run, written through BatchRunRepository: setTotal, and checkpoint = counts + cursor + row
 * errors in one short transaction. The runner builds it with its lease; a job's own tests can build it with just the
 * PrismaService and a run id (`createRunProgress(prisma, runId)`).
 */
export class RunProgress implements BatchProgress {
  constructor(
    private readonly runs: BatchRunRepository,
    private readonly runId: string,
    private readonly options: RunProgressOptions = {},
  ) {}

  async setTotal(total: number): Promise<void> {
    if (!Number.isInteger(total) || total < 0) throw new RangeError(`total must be a whole number ≥ 0, got ${total}`);
    await this.runs.setTotal(this.runId, total, this.options.leaseOwner);
  }

  async checkpoint(done: BatchProgressDelta, cursor: unknown, rowErrors: readonly BatchRowErrorInput[] = []): Promise<void> {
    for (const n of [done.succeeded, done.failed, done.skipped]) {
      if (n !== undefined && (!Number.isInteger(n) || n < 0)) throw new RangeError(`progress counts must be whole numbers ≥ 0, got ${n}`);
    }
    const outcome = await this.runs.checkpoint(this.runId, done, cursor, rowErrors, this.options.leaseOwner);
    if (outcome === 'lost') throw new BatchRunLeaseLostError(`batch run ${this.runId} is no longer owned by this process (another leader resumed it, or it does not exist)`);
    if (outcome === 'cancelled') this.options.onCancelled?.();
  }
}

/** For jobs and their tests: the progress of run `runId` straight on a PrismaService. */
export function createRunProgress(prisma: PrismaService, runId: string, options: RunProgressOptions = {}): RunProgress {
  return new RunProgress(new BatchRunRepository(prisma), runId, options);
}
