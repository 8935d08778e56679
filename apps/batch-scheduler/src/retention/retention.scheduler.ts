import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { IntervalLoop } from '@junction/platform';
import { RunRetentionHandler } from './usecases/run-retention/run-retention.handler';

export const RETENTION_SCHEDULE = Symbol('RETENTION_SCHEDULE');

export interface RetentionSchedule {
  readonly intervalMs: number;
  /** The first run waits this long after start, out of the way of a deployment's busiest minute. */
  readonly firstRunDelayMs: number;
}

/**
 * Runs the retention job on an interval, one run at a time in this process; across replicas the job's advisory
 * lock lets only one of them work (the others find it held and skip that round). Shutdown stops a run between
 * two batches and waits for it, before the database closes.
 */
@Injectable()
export class RetentionScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(RetentionScheduler.name);
  private readonly loop: IntervalLoop;

  constructor(
    private readonly retention: RunRetentionHandler,
    @Inject(RETENTION_SCHEDULE) schedule: RetentionSchedule,
  ) {
    this.loop = new IntervalLoop(
      { firstDelayMs: schedule.firstRunDelayMs, intervalMs: schedule.intervalMs },
      (signal) => this.runOnce(signal),
      // The next interval tries again; a database outage must not stop the schedule.
      (error) => this.logger.warn({ reason: (error as Error).message }, 'retention run failed'),
    );
  }

  onApplicationBootstrap(): void {
    this.loop.start();
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.loop.stop();
  }

  private async runOnce(signal: AbortSignal): Promise<void> {
    const report = await this.retention.execute({ signal });
    const rows = report.targets.reduce((sum, t) => sum + t.rows, 0);
    if (report.status !== 'locked') this.logger.log({ status: report.status, rows, tookMs: report.tookMs }, 'retention run finished');
  }
}
