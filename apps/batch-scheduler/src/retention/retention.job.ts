import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { BatchJob, BatchJobContext, BatchJobResult } from '../jobs/batch-job';
import { RunRetentionHandler } from './usecases/run-retention/run-retention.handler';

const paramsSchema = z.strictObject({ dryRun: z.boolean().optional() });
type RetentionParams = z.infer<typeof paramsSchema>;

class RetentionBusyError extends Error {
  readonly code = 'RETENTION_BUSY';
}

/**
 * The retention clean-up as a schedulable batch job (`retention`, params {dryRun?}): the same RunRetentionHandler
 * as the interval and `junction retention run`, under the same advisory lock. The total is what a dry count finds
 * first; each deleting batch is a checkpoint. Resuming after a crash simply runs again (deleting what is old is
 * idempotent); the cursor carries the rows deleted before, so the total stays comparable with the counts.
 */
@Injectable()
export class RetentionBatchJob implements BatchJob<RetentionParams> {
  readonly name = 'retention';
  readonly description = 'delete rows past their retention (RETENTION_* settings) in small batches; dryRun only counts';
  readonly params = paramsSchema;

  constructor(private readonly retention: RunRetentionHandler) {}

  async run({ params, signal, progress, cursor }: BatchJobContext<RetentionParams>): Promise<BatchJobResult> {
    const before = typeof (cursor as { deleted?: unknown } | null)?.deleted === 'number' ? (cursor as { deleted: number }).deleted : 0;
    const count = await this.retention.execute({ dryRun: true });
    const due = count.targets.reduce((sum, t) => sum + t.rows, 0);
    if (params.dryRun) {
      await progress.setTotal(due);
      return summary(count);
    }
    await progress.setTotal(before + due);
    let deleted = before;
    const report = await this.retention.execute({
      signal,
      onBatch: async (target, rows) => {
        deleted += rows;
        await progress.checkpoint({ succeeded: rows }, { deleted, target });
      },
    });
    if (report.status === 'locked') throw new RetentionBusyError('another retention run (the interval, another replica or the CLI) holds the lock; nothing was deleted');
    return summary(report);
  }
}

function summary(report: Awaited<ReturnType<RunRetentionHandler['execute']>>): BatchJobResult {
  return {
    status: report.status,
    dryRun: report.dryRun,
    tookMs: report.tookMs,
    rows: report.targets.reduce((sum, t) => sum + t.rows, 0),
    targets: Object.fromEntries(report.targets.filter((t) => t.rows > 0).map((t) => [t.target, t.rows])),
  };
}
