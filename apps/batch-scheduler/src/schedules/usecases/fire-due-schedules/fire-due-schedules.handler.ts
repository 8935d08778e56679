import { Logger } from '@nestjs/common';
import { planTick } from '../../cron-plan';
import type { FiredTick, ScheduleRepository } from '../../schedule.repository';

/** At most this many schedules per tick; the rest are due at the next tick (a second later). */
const MAX_PER_TICK = 500;

/**
 * The leader's tick: every due schedule gets, in its own transaction, the runs its due ticks call for (skip /
 * catch_up_once decide what was missed) and its next tick after now. Ticks are whole seconds: a run's scheduledFor is
 * the tick's instant, which makes (scheduleId, scheduledFor) the run's identity.
 */
export class FireDueSchedulesHandler {
  private readonly logger = new Logger(FireDueSchedulesHandler.name);

  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly graceMs: number,
  ) {}

  async execute(now: Date = new Date()): Promise<FiredTick[]> {
    const fired: FiredTick[] = [];
    for (const id of await this.schedules.due(now, MAX_PER_TICK)) {
      try {
        const tick = await this.schedules.fire(id, (schedule) => planTick(schedule, now, this.graceMs));
        if (!tick) continue;
        fired.push(tick);
        for (const run of tick.inserted) this.logger.log({ scheduleId: id, runId: run.runId, scheduledFor: run.scheduledFor }, 'schedule fired');
      } catch (error: unknown) {
        // One broken schedule (a cron made invalid by hand in the table) must not stop the others.
        this.logger.warn({ scheduleId: id, reason: (error as Error).message }, 'schedule tick failed');
      }
    }
    return fired;
  }
}
