import { Cron } from 'croner';
import { SchedulerError } from '../scheduler.error';

export type MissedRunPolicy = 'skip' | 'catch_up_once';
export const MISSED_RUN_POLICIES = ['skip', 'catch_up_once'] as const;

/** A schedule's timing, as stored. */
export interface ScheduleTiming {
  readonly cron: string;
  readonly timezone: string;
  readonly missedRunPolicy: MissedRunPolicy | string;
  readonly nextRunAt: Date | null;
}

/** What one tick of the leader does with a due schedule: the ticks to create runs for, and the next tick to wait for. */
export interface TickPlan {
  /** scheduledFor of the runs to insert, oldest first (0, 1 or 2 ticks). */
  readonly fire: readonly Date[];
  /** The first tick strictly after `now`; null when the expression has no future tick (a past year). */
  readonly nextRunAt: Date | null;
}

/** A time zone the runtime knows (IANA name); croner itself accepts unknown names silently and runs in UTC. */
export function assertTimeZone(timezone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
  } catch {
    throw new SchedulerError('INVALID_TIMEZONE', `unknown time zone "${timezone}" (use an IANA name such as Europe/Berlin or UTC)`);
  }
}

/**
 * Parses a cron expression of 5 fields (minute precision) or 6 (seconds first), in `timezone`. Invalid: 400
 * INVALID_CRON with croner's own parse error ("Invalid value for minute: 61").
 */
export function parseCron(cron: string, timezone: string): Cron {
  assertTimeZone(timezone);
  try {
    return new Cron(cron, { timezone, mode: '5-or-6-parts', paused: true });
  } catch (error: unknown) {
    throw new SchedulerError('INVALID_CRON', `invalid cron expression "${cron}": ${(error as Error).message}`);
  }
}

/** The first tick strictly after `after`. */
export function nextTickAfter(cron: Cron, after: Date): Date | null {
  return cron.nextRun(after);
}

/**
 * The latest tick at or before `at` (croner's previousRuns is strictly before a whole-second reference: one second
 * later, floored, includes a tick that falls exactly on `at`).
 */
function latestTickAtOrBefore(cron: Cron, at: Date, count: number): Date[] {
  const reference = new Date(Math.floor(at.getTime() / 1_000) * 1_000 + 1_000);
  return cron.previousRuns(count, reference);
}

/**
 * What to fire for a schedule at `now`. A tick is on time while it is at most `graceMs` late: the leader fires it
 * (late by a tick interval, a fail-over, a GC pause). Earlier due ticks, and a latest tick later than the grace, were
 * missed (no leader ran): `skip` fires none of them; `catch_up_once` fires exactly one run, for the latest missed
 * tick. The next tick to wait for is always the first one after `now`, so an outage never leaves a backlog behind.
 * A schedule without nextRunAt (new, or re-enabled) gets its next tick and fires nothing.
 */
export function planTick(timing: ScheduleTiming, now: Date, graceMs: number): TickPlan | null {
  const cron = parseCron(timing.cron, timing.timezone);
  const nextRunAt = nextTickAfter(cron, now);
  if (timing.nextRunAt === null) return { fire: [], nextRunAt };
  if (timing.nextRunAt.getTime() > now.getTime()) return null;
  const due = latestTickAtOrBefore(cron, now, 2).filter((t) => t.getTime() >= timing.nextRunAt!.getTime());
  // nextRunAt itself is a due tick even if the expression changed under it (croner may not list it).
  const [latest = timing.nextRunAt, previous] = due;
  const onTime = now.getTime() - latest.getTime() <= graceMs ? latest : null;
  const latestMissed = onTime ? (previous ?? (latest.getTime() > timing.nextRunAt.getTime() ? timing.nextRunAt : null)) : latest;
  const fire: Date[] = [];
  if (timing.missedRunPolicy === 'catch_up_once' && latestMissed) fire.push(latestMissed);
  if (onTime) fire.push(onTime);
  return { fire, nextRunAt };
}
