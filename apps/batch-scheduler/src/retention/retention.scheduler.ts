import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
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
  private readonly stop = new AbortController();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly retention: RunRetentionHandler,
    @Inject(RETENTION_SCHEDULE) private readonly schedule: RetentionSchedule,
  ) {}

  onApplicationBootstrap(): void {
    this.arm(this.schedule.firstRunDelayMs);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stop.abort();
    clearTimeout(this.timer);
    await this.running;
  }

  private arm(delayMs: number): void {
    if (this.stop.signal.aborted) return;
    this.timer = setTimeout(() => {
      this.running = this.runOnce().finally(() => {
        this.running = undefined;
        this.arm(this.schedule.intervalMs);
      });
    }, delayMs);
  }

  private async runOnce(): Promise<void> {
    try {
      const report = await this.retention.execute({ signal: this.stop.signal });
      const rows = report.targets.reduce((sum, t) => sum + t.rows, 0);
      if (report.status !== 'locked') this.logger.log({ status: report.status, rows, tookMs: report.tookMs }, 'retention run finished');
    } catch (error: unknown) {
      // The next interval tries again; a database outage must not stop the schedule.
      this.logger.warn({ reason: (error as Error).message }, 'retention run failed');
    }
  }
}
