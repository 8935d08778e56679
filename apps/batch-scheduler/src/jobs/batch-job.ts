import type { ZodType } from 'zod';

/**
 * The seam between the scheduler (schedules, leader, BatchRun lifecycle, resume) and the jobs it runs (sync,
 * CSV import/export, reconciliation, retention). A job knows nothing of cron or leadership: it gets a run with its
 * parsed params and a resume cursor, reports progress through BatchProgress, and returns its result.
 *
 * A run that crashed is started again with the last committed cursor: a job must be written so that redoing the work
 * after that cursor never doubles an effect (commands keyed by a deterministic idempotency key, look-up before
 * create, rows written in one transaction with the checkpoint).
 */
export interface BatchJob<P = unknown> {
  /** The name schedules and runs use (`erp.stock.sync`, `csv.import` …): stable, it is stored. */
  readonly name: string;
  /** One line for `junction schedules jobs` and the admin API. */
  readonly description: string;
  /** Validated when a schedule or a run is created (400 with the zod issues) and again before each run. */
  readonly params: ZodType<P>;
  run(context: BatchJobContext<P>): Promise<BatchJobResult>;
}

export interface BatchJobContext<P> {
  readonly runId: string;
  readonly tenantId: string;
  readonly params: P;
  /** The cursor of the last checkpoint of this run, or null on a first start. */
  readonly cursor: unknown;
  /** Aborted at shutdown or when the run is cancelled: stop after the current item, checkpoint, and return. */
  readonly signal: AbortSignal;
  readonly progress: BatchProgress;
}

export interface BatchProgress {
  /** Items to do, when known (a CSV's row count, a listing's total). */
  setTotal(total: number): Promise<void>;
  /**
   * Counts items done and commits them together with the cursor to resume after (one short transaction). Row errors
   * given here are written to the run's report (batch_row_error) in the same transaction.
   */
  checkpoint(done: BatchProgressDelta, cursor: unknown, rowErrors?: readonly BatchRowErrorInput[]): Promise<void>;
}

export interface BatchProgressDelta {
  readonly succeeded?: number;
  readonly failed?: number;
  readonly skipped?: number;
}

export interface BatchRowErrorInput {
  /** 1-based data row or item index. */
  readonly row: number;
  readonly key?: string;
  readonly code: string;
  readonly message: string;
}

/** The run's summary, stored as BatchRun.result (counts of a reconciliation, the file id of an export …). */
export type BatchJobResult = Record<string, unknown>;

/** All jobs of this app, by name; provided by the jobs module and read by the scheduler. */
export const BATCH_JOBS = Symbol('BATCH_JOBS');
export type BatchJobRegistry = ReadonlyMap<string, BatchJob>;
