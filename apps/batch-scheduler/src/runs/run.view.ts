import type { BatchRun } from '@junction/persistence';

/** A run as the admin API and the CLI show it: counts, rate, ETA, row errors. */
export interface RunView {
  id: string;
  job: string;
  status: string;
  scheduleId: string | null;
  scheduledFor: string | null;
  params: unknown;
  total: number | null;
  processed: number;
  succeeded: number;
  failed: number;
  skipped: number;
  /** Rows reported with an error (null in lists: counted only for one run). */
  rowErrors: number | null;
  /** Items per second since the run started (until it finished). */
  ratePerSecond: number | null;
  /** Seconds left at that rate, while running with a known total. */
  etaSeconds: number | null;
  percent: number | null;
  cursor: unknown;
  result: unknown;
  error: unknown;
  leaseOwner: string | null;
  heartbeatAt: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;

export function toRunView(run: BatchRun, rowErrors: number | null, now: Date): RunView {
  const end = run.finishedAt ?? now;
  const seconds = run.startedAt ? Math.max(0.001, (end.getTime() - run.startedAt.getTime()) / 1_000) : null;
  const rate = seconds === null ? null : Math.round((run.processed / seconds) * 100) / 100;
  const left = run.total === null ? null : Math.max(0, run.total - run.processed);
  return {
    id: run.id,
    job: run.job,
    status: run.status,
    scheduleId: run.scheduleId,
    scheduledFor: iso(run.scheduledFor),
    params: run.params,
    total: run.total,
    processed: run.processed,
    succeeded: run.succeeded,
    failed: run.failed,
    skipped: run.skipped,
    rowErrors,
    ratePerSecond: rate,
    etaSeconds: run.status === 'running' && left !== null && rate ? Math.round(left / rate) : run.status === 'running' && left === 0 ? 0 : null,
    percent: run.total ? Math.min(100, Math.round((run.processed / run.total) * 1_000) / 10) : null,
    cursor: run.cursor,
    result: run.result,
    error: run.error,
    leaseOwner: run.leaseOwner,
    heartbeatAt: iso(run.heartbeatAt),
    createdAt: run.createdAt.toISOString(),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
  };
}
