import type { Schedule } from '@junction/persistence';
import { z } from 'zod';
import type { JobCatalog } from '../../../registry/job-catalog';
import type { BatchRunRepository } from '../../../runs/batch-run.repository';
import { toRunView, type RunView } from '../../../runs/run.view';
import { SchedulerError } from '../../../scheduler.error';
import { MISSED_RUN_POLICIES, nextTickAfter, parseCron } from '../../cron-plan';
import { ScheduleNameTakenError, type ScheduleFields, type ScheduleRepository } from '../../schedule.repository';

const fields = {
  name: z.string().trim().min(1).max(100).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits and . _ : - only'),
  cron: z.string().trim().min(1).max(200),
  timezone: z.string().trim().min(1).max(100),
  job: z.string().trim().min(1).max(100),
  params: z.record(z.string(), z.unknown()),
  enabled: z.boolean(),
  missedRunPolicy: z.enum(MISSED_RUN_POLICIES),
};
export const createScheduleSchema = z.strictObject({
  ...fields,
  timezone: fields.timezone.default('UTC'),
  params: fields.params.default({}),
  enabled: fields.enabled.default(true),
  missedRunPolicy: fields.missedRunPolicy.default('skip'),
});
export const updateScheduleSchema = z.strictObject(fields).partial();
export type CreateScheduleInput = z.input<typeof createScheduleSchema>;
export type UpdateScheduleInput = z.input<typeof updateScheduleSchema>;

export interface ScheduleView {
  id: string;
  name: string;
  cron: string;
  timezone: string;
  job: string;
  params: unknown;
  enabled: boolean;
  missedRunPolicy: string;
  lastRunAt: string | null;
  nextRunAt: string | null;
  lastRunId: string | null;
  createdAt: string;
  updatedAt: string;
}

const iso = (d: Date | null) => d?.toISOString() ?? null;
const toView = (s: Schedule): ScheduleView => ({
  id: s.id,
  name: s.name,
  cron: s.cron,
  timezone: s.timezone,
  job: s.job,
  params: s.params,
  enabled: s.enabled,
  missedRunPolicy: s.missedRunPolicy,
  lastRunAt: iso(s.lastRunAt),
  nextRunAt: iso(s.nextRunAt),
  lastRunId: s.lastRunId,
  createdAt: s.createdAt.toISOString(),
  updatedAt: s.updatedAt.toISOString(),
});

export function invalidInput(error: z.ZodError): SchedulerError {
  return new SchedulerError('INVALID_INPUT', error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
}

/**
 * Schedules of one tenant (admin API and CLI): every write validates the cron expression (croner's parse error), the
 * time zone, the job and its params, and computes nextRunAt at once (null while disabled), so the leader's next tick
 * already knows it.
 */
export class AdminSchedulesHandler {
  constructor(
    private readonly schedules: ScheduleRepository,
    private readonly runs: BatchRunRepository,
    private readonly jobs: JobCatalog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(tenantId: string): Promise<ScheduleView[]> {
    return (await this.schedules.list(tenantId)).map(toView);
  }

  async get(tenantId: string, idOrName: string): Promise<ScheduleView> {
    return toView(await this.load(tenantId, idOrName));
  }

  async create(tenantId: string, body: unknown): Promise<ScheduleView> {
    const parsed = createScheduleSchema.safeParse(body);
    if (!parsed.success) throw invalidInput(parsed.error);
    const created = await this.write(parsed.data.name, () => this.schedules.create(tenantId, this.fields(parsed.data)));
    if (!created) throw new Error('schedule create returned nothing');
    return toView(created);
  }

  async update(tenantId: string, idOrName: string, body: unknown): Promise<ScheduleView> {
    const parsed = updateScheduleSchema.safeParse(body);
    if (!parsed.success) throw invalidInput(parsed.error);
    const current = await this.load(tenantId, idOrName);
    const merged = {
      name: current.name,
      cron: current.cron,
      timezone: current.timezone,
      job: current.job,
      params: current.params as Record<string, unknown>,
      enabled: current.enabled,
      missedRunPolicy: current.missedRunPolicy as (typeof MISSED_RUN_POLICIES)[number],
      ...parsed.data,
    };
    const updated = await this.write(merged.name, () => this.schedules.update(tenantId, current.id, this.fields(merged)));
    if (!updated) throw notFound(idOrName);
    return toView(updated);
  }

  async remove(tenantId: string, idOrName: string): Promise<void> {
    const current = await this.load(tenantId, idOrName);
    if (!(await this.schedules.remove(tenantId, current.id))) throw notFound(idOrName);
  }

  /** Run now: a run of the schedule's job and params outside its cron (scheduledFor null), queued for the leader. */
  async runNow(tenantId: string, idOrName: string): Promise<RunView> {
    const schedule = await this.load(tenantId, idOrName);
    const params = this.jobs.validate(schedule.job, schedule.params);
    const run = await this.runs.create({ tenantId, job: schedule.job, params, scheduleId: schedule.id });
    return toRunView(run, 0, this.now());
  }

  private fields(input: z.output<typeof createScheduleSchema>): ScheduleFields {
    const cron = parseCron(input.cron, input.timezone);
    const params = this.jobs.validate(input.job, input.params);
    return { ...input, params, nextRunAt: input.enabled ? nextTickAfter(cron, this.now()) : null };
  }

  private async write(name: string, write: () => Promise<Schedule | null>): Promise<Schedule | null> {
    try {
      return await write();
    } catch (error: unknown) {
      if (error instanceof ScheduleNameTakenError) throw new SchedulerError('SCHEDULE_NAME_TAKEN', `a schedule named "${name}" already exists`);
      throw error;
    }
  }

  private async load(tenantId: string, idOrName: string): Promise<Schedule> {
    const found = UUID.test(idOrName) ? await this.schedules.find(tenantId, idOrName) : await this.schedules.findByName(tenantId, idOrName);
    if (!found) throw notFound(idOrName);
    return found;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const notFound = (idOrName: string) => new SchedulerError('SCHEDULE_NOT_FOUND', `no schedule "${idOrName}" for this tenant`);
