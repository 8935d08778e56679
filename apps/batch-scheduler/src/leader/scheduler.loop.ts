import { Logger } from '@nestjs/common';
import type { BatchRunRepository } from '../runs/batch-run.repository';
import type { ActiveRun, ExecuteRunHandler } from '../runs/usecases/execute-run/execute-run.handler';
import type { FireDueSchedulesHandler } from '../schedules/usecases/fire-due-schedules/fire-due-schedules.handler';
import type { LeaderElector, LeadershipListener, LeadershipView } from './leader.elector';

export interface SchedulerLoopOptions {
  owner: string;
  /** Tick period: due schedules are fired and queued/stale runs claimed this often. */
  tickMs: number;
  /** Runs at once in this process. */
  concurrency: number;
  leaseMs: number;
}

export interface SchedulerView extends LeadershipView {
  owner: string;
  activeRuns: string[];
  lastTickAt: string | null;
}

/**
 * The leader's work, started when this process is elected and stopped the moment it is not: every tick, fire the
 * due schedules, then claim queued runs and stale running runs (their owner died) up to the free concurrency and run
 * them. Demotion or shutdown aborts the runs in flight (they checkpoint and are released for the next leader) and
 * fires nothing more, even from a tick already under way.
 */
export class SchedulerLoop implements LeadershipListener {
  private readonly logger = new Logger(SchedulerLoop.name);
  private readonly active = new Map<string, ActiveRun>();
  private timer?: NodeJS.Timeout;
  private leading = false;
  private ticking?: Promise<void>;
  private lastTickAt: Date | null = null;
  private elector?: LeaderElector;

  constructor(
    private readonly fireDue: FireDueSchedulesHandler,
    private readonly runs: BatchRunRepository,
    private readonly executor: ExecuteRunHandler,
    private readonly options: SchedulerLoopOptions,
  ) {}

  attach(elector: LeaderElector): void {
    this.elector = elector;
  }

  view(): SchedulerView {
    const leadership = this.elector?.view() ?? { leader: false, since: null, lock: '' };
    return { ...leadership, owner: this.options.owner, activeRuns: [...this.active.keys()], lastTickAt: this.lastTickAt?.toISOString() ?? null };
  }

  elected(): void {
    this.leading = true;
    this.arm(0);
  }

  demoted(): void {
    this.leading = false;
    clearTimeout(this.timer);
    for (const run of this.active.values()) run.stop('shutdown');
  }

  /** Waits for the tick under way and the runs in flight to settle (after demoted). */
  async drain(): Promise<void> {
    await this.ticking;
    await Promise.allSettled([...this.active.values()].map((r) => r.done));
  }

  private arm(delayMs: number): void {
    if (!this.leading) return;
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.ticking = undefined;
        this.arm(this.options.tickMs);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    try {
      const now = new Date();
      if (!this.leading) return;
      await this.fireDue.execute(now);
      this.lastTickAt = now;
      if (!this.leading) return;
      const claimed = await this.runs.claimDue(this.options.owner, this.options.leaseMs, this.options.concurrency - this.active.size);
      for (const run of claimed) {
        // Demoted while claiming: the run is ours for now; release it at once by starting and stopping it.
        const active = this.executor.start(run);
        this.active.set(run.id, active);
        void active.done
          .catch((error: unknown) => this.logger.error({ runId: run.id, reason: (error as Error).message }, 'batch run crashed'))
          .finally(() => this.active.delete(run.id));
        if (!this.leading) active.stop('shutdown');
      }
    } catch (error: unknown) {
      // The database is down or the lock connection is lost: the elector decides; the next tick tries again.
      this.logger.warn({ reason: (error as Error).message }, 'scheduler tick failed');
    }
  }
}
