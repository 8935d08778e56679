import { Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import type { ConnectionHealthCheckRepository } from './connection-health.repository';
import type { RunHealthCheckHandler } from './usecases/run-health-check/run-health-check.handler';

export interface HealthSchedule {
  /** Off: the loop never starts (the API and the gauge still answer). */
  enabled: boolean;
  intervalMs: number;
  /** ± this fraction of the interval, at random per claim. */
  jitterRatio: number;
  /** How often this replica looks for due connections. */
  pollMs: number;
  /** Checks in flight at once on this replica. */
  concurrency: number;
}

/**
 * The scheduled-check loop of one replica. Every `pollMs` it claims as many due connections as it has free slots
 * (FOR UPDATE SKIP LOCKED: replicas never claim the same one; the claim moves the next check forward before the
 * probe runs, so a replica that dies mid-check only delays that connection by one interval) and checks them
 * concurrently. Shutdown stops claiming and waits for the checks in flight, before the database closes.
 */
export class HealthCheckScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(HealthCheckScheduler.name);
  private readonly inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private polling?: Promise<void>;

  constructor(
    private readonly repository: ConnectionHealthCheckRepository,
    private readonly check: RunHealthCheckHandler,
    private readonly schedule: HealthSchedule,
  ) {}

  onApplicationBootstrap(): void {
    if (this.schedule.enabled) this.arm(0);
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
    await Promise.all([...this.inFlight]);
  }

  /** Claims what is due into the free slots and starts those checks; resolves once they are started (not finished). */
  async poll(): Promise<number> {
    const free = this.schedule.concurrency - this.inFlight.size;
    if (this.stopped || free <= 0) return 0;
    const claimed = await this.repository.claimDue(free, this.schedule.intervalMs, this.schedule.jitterRatio);
    for (const { id, tenantId } of claimed) {
      const run: Promise<void> = this.check
        .execute(id)
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ connectionId: id, tenantId, reason: (error as Error).message }, 'health check failed to run'))
        .finally(() => this.inFlight.delete(run));
      this.inFlight.add(run);
    }
    return claimed.length;
  }

  /** Waits for the checks in flight (tests; shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  private arm(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll()
        .then(() => undefined)
        // A database outage must not stop the loop: the next poll tries again.
        .catch((error: unknown) => this.logger.warn({ reason: (error as Error).message }, 'claiming due health checks failed'))
        .finally(() => {
          this.polling = undefined;
          this.arm(this.schedule.pollMs);
        });
    }, delayMs);
  }
}
