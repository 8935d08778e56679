import { HttpException } from '@nestjs/common';

export type SchedulerErrorCode =
  | 'INVALID_CRON'
  | 'INVALID_TIMEZONE'
  | 'UNKNOWN_JOB'
  | 'INVALID_PARAMS'
  | 'INVALID_INPUT'
  | 'SCHEDULE_NOT_FOUND'
  | 'SCHEDULE_NAME_TAKEN'
  | 'RUN_NOT_FOUND'
  | 'RUN_NOT_CANCELLABLE';

const STATUS: Record<SchedulerErrorCode, number> = {
  INVALID_CRON: 400,
  INVALID_TIMEZONE: 400,
  UNKNOWN_JOB: 400,
  INVALID_PARAMS: 400,
  INVALID_INPUT: 400,
  SCHEDULE_NOT_FOUND: 404,
  SCHEDULE_NAME_TAKEN: 409,
  RUN_NOT_FOUND: 404,
  RUN_NOT_CANCELLABLE: 409,
};

/**
 * An expected failure of the scheduler's admin use cases, with a stable code and a message written for the operator
 * (no secrets). An HttpException, so the HTTP filter answers {code, message} with its status; the CLI prints the code.
 */
export class SchedulerError extends HttpException {
  override readonly name = 'SchedulerError';

  constructor(
    readonly code: SchedulerErrorCode,
    message: string,
  ) {
    super({ code, message }, STATUS[code]);
    this.message = message;
  }
}
