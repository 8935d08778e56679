import { Logger } from '@nestjs/common';
import type { BatchRun } from '@junction/persistence';
import type { BatchJobRegistry } from '../../../jobs/batch-job';
import { BatchRunLeaseLostError, type BatchRunRepository } from '../../batch-run.repository';
import { RunProgress } from '../../run-progress';

/** Why a run's signal was aborted: decides what happens to the run when the job returns. */
export type StopReason = 'shutdown' | 'cancelled' | 'lost';

export interface ExecuteRunOptions {
  /** This process's lease owner id. */
  owner: string;
  /** A running run whose heartbeat is older than this belongs to nobody. */
  leaseMs: number;
}

/** A run in this process: abort it with a reason (shutdown, demotion, cancel). */
export interface ActiveRun {
  readonly runId: string;
  stop(reason: StopReason): void;
  readonly done: Promise<void>;
}

const STABLE_CODE = /^[A-Z][A-Z0-9_]{2,63}$/;

/**
 * Runs one claimed run to its end: parses its params with the job's schema, hands the job the stored cursor, renews the
 * lease every leaseMs/4 (which also notices a cancel), and records the outcome:
 * - returned → succeeded with the job's result; threw → failed with {code, message} (a job's own stable code and
 *   message, else JOB_FAILED and a generic message: the raw text may carry internals, it goes to the log only);
 * - cancelled (API/CLI) → the job sees the abort at its next item, the run stays cancelled with what it did;
 * - shutdown or lost leadership → the run is released: it stays `running` with its cursor, without owner or
 *   heartbeat, so the next leader resumes it at once from that cursor (not back to queued: the counts and the cursor
 *   are the run's, and `queued` would read as "never started");
 * - lease lost to another process → nothing more is written: the other process owns it.
 */
export class ExecuteRunHandler {
  private readonly logger = new Logger(ExecuteRunHandler.name);

  constructor(
    private readonly runs: BatchRunRepository,
    private readonly jobs: BatchJobRegistry,
    private readonly options: ExecuteRunOptions,
  ) {}

  start(run: BatchRun): ActiveRun {
    const controller = new AbortController();
    let reason: StopReason | undefined;
    const stop = (why: StopReason) => {
      reason ??= why;
      controller.abort(why);
    };
    const done = this.execute(run, controller.signal, stop, () => reason);
    return { runId: run.id, stop, done };
  }

  private async execute(run: BatchRun, signal: AbortSignal, stop: (why: StopReason) => void, reason: () => StopReason | undefined): Promise<void> {
    const { owner } = this.options;
    const job = this.jobs.get(run.job);
    if (!job) {
      await this.runs.finish(run.id, { status: 'failed', error: { code: 'UNKNOWN_JOB', message: `no job named "${run.job}" in this batch-scheduler` } }, owner);
      return;
    }
    const params = job.params.safeParse(run.params);
    if (!params.success) {
      const message = params.error.issues.map((i) => `${i.path.join('.') || 'params'}: ${i.message}`).join('; ');
      await this.runs.finish(run.id, { status: 'failed', error: { code: 'INVALID_PARAMS', message } }, owner);
      return;
    }
    const heartbeat = setInterval(() => {
      this.runs.heartbeat(run.id, owner).then(
        (state) => {
          if (state === 'cancelled') stop('cancelled');
          if (state === 'lost') stop('lost');
        },
        // A missed heartbeat is retried at the next one; the lease is several heartbeats long.
        (error: unknown) => this.logger.warn({ runId: run.id, reason: (error as Error).message }, 'batch run heartbeat failed'),
      );
    }, Math.max(250, Math.floor(this.options.leaseMs / 4)));
    const log = { runId: run.id, job: run.job, tenantId: run.tenantId, resumed: run.cursor !== null };
    this.logger.log(log, 'batch run started');
    try {
      const progress = new RunProgress(this.runs, run.id, { leaseOwner: owner, onCancelled: () => stop('cancelled') });
      const result = await job.run({ runId: run.id, tenantId: run.tenantId, params: params.data, cursor: run.cursor ?? null, signal, progress });
      await this.settle(run, reason(), { status: 'succeeded', result });
    } catch (error: unknown) {
      if (error instanceof BatchRunLeaseLostError) {
        this.logger.warn(log, 'batch run taken over by another process; stopped');
        return;
      }
      const { code, message } = error as { code?: unknown; message?: unknown };
      const stable = typeof code === 'string' && STABLE_CODE.test(code);
      if (!stable) this.logger.error({ ...log, error: (error as Error).name, reason: scrub(String(message)) }, 'batch run failed');
      await this.settle(run, reason(), { status: 'failed', error: stable ? { code, message: String(message) } : { code: 'JOB_FAILED', message: `the job ${run.job} failed unexpectedly; see the batch-scheduler log` } });
    } finally {
      clearInterval(heartbeat);
    }
  }

  private async settle(run: BatchRun, reason: StopReason | undefined, outcome: Parameters<BatchRunRepository['finish']>[1]): Promise<void> {
    const { owner } = this.options;
    if (reason === 'lost') return;
    if (reason === 'shutdown') {
      await this.runs.release(run.id, owner);
      this.logger.log({ runId: run.id }, 'batch run released for the next leader');
      return;
    }
    await this.runs.finish(run.id, reason === 'cancelled' ? { ...outcome, status: 'cancelled' } : outcome, owner);
    this.logger.log({ runId: run.id, job: run.job, status: reason === 'cancelled' ? 'cancelled' : outcome.status }, 'batch run finished');
  }
}

/**
 * An unexpected error's text for the log: credentials in URLs and `token=…`-style pairs masked, length capped. The
 * run's stored error never carries it (JOB_FAILED and a generic message).
 */
export function scrub(text: string): string {
  return text
    .replace(/\/\/[^/\s:@]+:[^@\s]+@/g, '//***@')
    .replace(/\b(bearer|basic)\s+[^\s,;&"']+/gi, '$1 ***')
    .replace(/\b(token|password|passwd|secret|api[_-]?key|authorization)\b(\s*[=:]\s*)[^\s,;&"']+/gi, '$1$2***')
    .slice(0, 500);
}
