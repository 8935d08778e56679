import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type Schedule } from '@junction/persistence';
import type { TickPlan } from './cron-plan';

export interface ScheduleFields {
  name: string;
  cron: string;
  timezone: string;
  job: string;
  params: unknown;
  enabled: boolean;
  missedRunPolicy: string;
  nextRunAt: Date | null;
}

/** A tick's outcome for one schedule: the runs it inserted (a tick already fired is not inserted again). */
export interface FiredTick {
  scheduleId: string;
  inserted: Array<{ runId: string; scheduledFor: Date }>;
  nextRunAt: Date | null;
}

export class ScheduleNameTakenError extends Error {}

const isUniqueViolation = (error: unknown) => error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002';

/** schedule rows (per tenant, unique name) and the leader's tick: due schedule → BatchRun rows, one transaction each. */
@Injectable()
export class ScheduleRepository {
  constructor(private readonly prisma: PrismaService) {}

  list(tenantId: string): Promise<Schedule[]> {
    return this.prisma.schedule.findMany({ where: { tenantId }, orderBy: { name: 'asc' } });
  }

  find(tenantId: string, id: string): Promise<Schedule | null> {
    return this.prisma.schedule.findFirst({ where: { tenantId, id } });
  }

  findByName(tenantId: string, name: string): Promise<Schedule | null> {
    return this.prisma.schedule.findUnique({ where: { tenantId_name: { tenantId, name } } });
  }

  async create(tenantId: string, fields: ScheduleFields): Promise<Schedule> {
    try {
      return await this.prisma.schedule.create({ data: { tenantId, ...fields, params: fields.params as Prisma.InputJsonValue } });
    } catch (error: unknown) {
      if (isUniqueViolation(error)) throw new ScheduleNameTakenError(fields.name);
      throw error;
    }
  }

  async update(tenantId: string, id: string, fields: ScheduleFields): Promise<Schedule | null> {
    try {
      const { count } = await this.prisma.schedule.updateMany({ where: { tenantId, id }, data: { ...fields, params: fields.params as Prisma.InputJsonValue } });
      return count === 0 ? null : this.find(tenantId, id);
    } catch (error: unknown) {
      if (isUniqueViolation(error)) throw new ScheduleNameTakenError(fields.name);
      throw error;
    }
  }

  /** Deletes the schedule; its runs stay (scheduleId set null) as history. */
  async remove(tenantId: string, id: string): Promise<boolean> {
    const { count } = await this.prisma.schedule.deleteMany({ where: { tenantId, id } });
    return count > 0;
  }

  /** Ids of enabled schedules whose next tick has come (or that have none yet), all tenants. */
  async due(now: Date, limit: number): Promise<string[]> {
    const rows = await this.prisma.schedule.findMany({
      where: { enabled: true, OR: [{ nextRunAt: { lte: now } }, { nextRunAt: null }] },
      select: { id: true },
      orderBy: { nextRunAt: { sort: 'asc', nulls: 'first' } },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  /**
   * One schedule's tick, in ONE transaction: the row is locked (SKIP LOCKED: a tick another process is doing is left
   * to it), `plan` decides from the locked row, the runs are inserted ON CONFLICT (scheduleId, scheduledFor) DO NOTHING
   * — so a tick fired twice (two leaders for a moment, a retried transaction) still has one run — and nextRunAt moves.
   * Resolves null when the row is gone, disabled, locked or not due any more.
   */
  fire(id: string, plan: (schedule: Schedule) => TickPlan | null): Promise<FiredTick | null> {
    return this.prisma.transaction(async (tx) => {
      const [locked] = await tx.$queryRaw<Array<{ id: string }>>`
        SELECT "id" FROM "schedule" WHERE "id" = ${id}::uuid AND "enabled" FOR UPDATE SKIP LOCKED`;
      if (!locked) return null;
      const schedule = await tx.schedule.findUniqueOrThrow({ where: { id } });
      const decided = plan(schedule);
      if (!decided) return null;
      const inserted: FiredTick['inserted'] = [];
      for (const scheduledFor of decided.fire) {
        const rows = await tx.$queryRaw<Array<{ id: string }>>`
          INSERT INTO "batch_run" ("tenantId", "scheduleId", "scheduledFor", "job", "params", "status", "updatedAt")
          VALUES (${schedule.tenantId}, ${schedule.id}::uuid, ${scheduledFor}, ${schedule.job}, ${JSON.stringify(schedule.params ?? {})}::jsonb, 'queued', now())
          ON CONFLICT ("scheduleId", "scheduledFor") DO NOTHING
          RETURNING "id"`;
        if (rows[0]) inserted.push({ runId: rows[0].id, scheduledFor });
      }
      const last = inserted.at(-1);
      await tx.schedule.update({
        where: { id },
        data: { nextRunAt: decided.nextRunAt, ...(last ? { lastRunAt: last.scheduledFor, lastRunId: last.runId } : {}) },
      });
      return { scheduleId: id, inserted, nextRunAt: decided.nextRunAt };
    });
  }
}
