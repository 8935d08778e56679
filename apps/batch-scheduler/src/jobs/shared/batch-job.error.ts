/**
 * A run that cannot go on (a CSV without a required column, a file that is not there, no connection to read from):
 * thrown by a job, it fails the run with `code` and `message` (BatchRun.error). Messages are for people and never hold a
 * secret or a row's content beyond the column names.
 */
export class BatchJobError extends Error {
  override readonly name = 'BatchJobError';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
