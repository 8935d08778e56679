import { Inject, Injectable, Logger } from '@nestjs/common';
import { RETENTION_TARGETS, RetentionRepository, type RetentionSession, type RetentionTarget } from '@junction/persistence';

const DAY_MS = 86_400_000;

/** The one lock every retention run takes (batch-scheduler replicas, standalone, the CLI). */
export const RETENTION_LOCK = 'junction:retention';
export const RETENTION_POLICY = Symbol('RETENTION_POLICY');

export interface RetentionPolicy {
  /** Days a row is kept, per target; 0 keeps it forever (the target is skipped). */
  readonly days: Readonly<Record<RetentionTarget, number>>;
  /** Rows per DELETE: each batch is one statement, its own short transaction. */
  readonly batchSize: number;
  /** Pause between batches, so that a backlog is worked off without hogging the database. */
  readonly pauseMs: number;
}

export interface RetentionTargetReport {
  readonly target: RetentionTarget;
  readonly days: number;
  /** Rows older than this go; null when the target is kept forever. */
  readonly cutoff: string | null;
  /** Deleted rows (a dry run: rows that would be deleted). */
  readonly rows: number;
  readonly batches: number;
}

export interface RetentionReport {
  /** `locked`: another run holds the lock and nothing was done; `aborted`: stopped between batches (shutdown). */
  readonly status: 'done' | 'locked' | 'aborted';
  readonly dryRun: boolean;
  readonly startedAt: string;
  readonly tookMs: number;
  readonly targets: readonly RetentionTargetReport[];
}

export interface RunRetentionOptions {
  dryRun?: boolean;
  now?: Date;
  /** Checked between batches: a shutdown stops the run after the current statement. */
  signal?: AbortSignal;
  /** Called after each batch that deleted rows (the batch job's progress checkpoint); awaited. */
  onBatch?: (target: RetentionTarget, deleted: number) => Promise<void>;
}

/**
 * Deletes what is past its retention (RetentionPolicy), table by table, in batches of `batchSize` rows: never one
 * large delete, so no long transaction holds locks or bloats WAL, and other writers go on between batches. Only
 * one run works at a time, across replicas and processes: the Postgres advisory lock RETENTION_LOCK, held by the
 * connection that deletes. Cutoffs are fixed when the run starts. A dry run only counts, and takes no lock.
 */
@Injectable()
export class RunRetentionHandler {
  private readonly logger = new Logger(RunRetentionHandler.name);

  constructor(
    private readonly repository: RetentionRepository,
    @Inject(RETENTION_POLICY) private readonly policy: RetentionPolicy,
  ) {}

  async execute(options: RunRetentionOptions = {}): Promise<RetentionReport> {
    const now = options.now ?? new Date();
    const started = Date.now();
    const plan = RETENTION_TARGETS.map((target) => {
      const days = this.policy.days[target];
      return { target, days, cutoff: days === 0 ? null : new Date(now.getTime() - days * DAY_MS) };
    });
    const report = (status: RetentionReport['status'], targets: RetentionTargetReport[]): RetentionReport => ({
      status,
      dryRun: options.dryRun === true,
      startedAt: now.toISOString(),
      tookMs: Date.now() - started,
      targets,
    });

    if (options.dryRun) {
      const session = this.repository.readOnly();
      const targets: RetentionTargetReport[] = [];
      for (const { target, days, cutoff } of plan) {
        targets.push({ target, days, cutoff: cutoff?.toISOString() ?? null, rows: cutoff ? await session.countOlder(target, cutoff) : 0, batches: 0 });
      }
      return report('done', targets);
    }

    const run = await this.repository.exclusive(RETENTION_LOCK, async (session) => {
      const targets: RetentionTargetReport[] = [];
      for (const { target, days, cutoff } of plan) {
        if (options.signal?.aborted) return { aborted: true, targets };
        const { rows, batches } = cutoff ? await this.deleteOlder(session, target, cutoff, options) : { rows: 0, batches: 0 };
        targets.push({ target, days, cutoff: cutoff?.toISOString() ?? null, rows, batches });
        if (rows > 0) this.logger.log({ target, cutoff, rows, batches }, 'retention: deleted old rows');
      }
      return { aborted: options.signal?.aborted === true, targets };
    });
    if (!run.acquired) {
      this.logger.log({ lock: RETENTION_LOCK }, 'retention: another run holds the lock; skipped');
      return report('locked', []);
    }
    return report(run.value.aborted ? 'aborted' : 'done', run.value.targets);
  }

  private async deleteOlder(session: RetentionSession, target: RetentionTarget, cutoff: Date, { signal, onBatch }: RunRetentionOptions) {
    let rows = 0;
    let batches = 0;
    for (;;) {
      const deleted = await session.deleteBatch(target, cutoff, this.policy.batchSize);
      rows += deleted;
      batches++;
      if (deleted > 0) await onBatch?.(target, deleted);
      if (deleted < this.policy.batchSize || signal?.aborted) return { rows, batches };
      if (this.policy.pauseMs > 0) await pause(this.policy.pauseMs, signal);
    }
  }
}

function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
