import { z } from 'zod';
import type { JobCatalog, JobView } from '../../../registry/job-catalog';
import { invalidInput } from '../../../schedules/usecases/admin-schedules/admin-schedules.handler';
import { SchedulerError } from '../../../scheduler.error';
import { BATCH_RUN_STATUSES, FINAL_STATUSES, type BatchRunRepository, type BatchRunStatus } from '../../batch-run.repository';
import { toRunView, type RunView } from '../../run.view';

export const listRunsQuerySchema = z.strictObject({
  status: z.enum(BATCH_RUN_STATUSES as [BatchRunStatus, ...BatchRunStatus[]]).optional(),
  scheduleId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  /** Paging, newest first: runs created before this instant (the last item's createdAt). */
  before: z.iso.datetime({ offset: true }).optional(),
});
export const rowErrorsQuerySchema = z.strictObject({
  /** Paging: rows after this row number (the last item's row). */
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(1_000).default(100),
});
export const startRunSchema = z.strictObject({
  job: z.string().trim().min(1).max(100),
  params: z.record(z.string(), z.unknown()).default({}),
});

export interface RowErrorsPage {
  items: Array<{ row: number; key: string | null; code: string; message: string }>;
  /** Pass as `after` for the next page; null at the end. */
  nextAfter: number | null;
}

const UUID = z.uuid();

/** Batch runs of one tenant (admin API and CLI): list, show with rate and ETA, row errors, start a job, cancel. */
export class AdminRunsHandler {
  constructor(
    private readonly runs: BatchRunRepository,
    private readonly catalog: JobCatalog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The jobs runs and schedules can name, with their params' JSON Schema. */
  jobs(): JobView[] {
    return this.catalog.list();
  }

  async list(tenantId: string, query: unknown): Promise<RunView[]> {
    const parsed = listRunsQuerySchema.safeParse(query ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const q = parsed.data;
    const rows = await this.runs.list({ tenantId, status: q.status, scheduleId: q.scheduleId, limit: q.limit, before: q.before ? new Date(q.before) : undefined });
    const now = this.now();
    return rows.map((run) => toRunView(run, null, now));
  }

  async get(tenantId: string, id: string): Promise<RunView> {
    const run = await this.load(tenantId, id);
    return toRunView(run, await this.runs.countRowErrors(run.id), this.now());
  }

  async errors(tenantId: string, id: string, query: unknown): Promise<RowErrorsPage> {
    const parsed = rowErrorsQuerySchema.safeParse(query ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const run = await this.load(tenantId, id);
    const rows = await this.runs.rowErrors(run.id, parsed.data.after, parsed.data.limit);
    const items = rows.map((r) => ({ row: r.row, key: r.key, code: r.code, message: r.message }));
    return { items, nextAfter: items.length === parsed.data.limit ? items.at(-1)!.row : null };
  }

  /** Starts a job by hand: a queued run (no schedule) that the leader picks up at its next tick. */
  async start(tenantId: string, body: unknown): Promise<RunView> {
    const parsed = startRunSchema.safeParse(body ?? {});
    if (!parsed.success) throw invalidInput(parsed.error);
    const params = this.catalog.validate(parsed.data.job, parsed.data.params);
    const run = await this.runs.create({ tenantId, job: parsed.data.job, params });
    return toRunView(run, 0, this.now());
  }

  /** Cancels a queued or running run; the job sees the abort at its next item. 409 for a run already ended. */
  async cancel(tenantId: string, id: string): Promise<RunView> {
    const before = await this.load(tenantId, id);
    if ((FINAL_STATUSES as readonly string[]).includes(before.status) && before.status !== 'cancelled') {
      throw new SchedulerError('RUN_NOT_CANCELLABLE', `run ${id} already ended (${before.status})`);
    }
    const run = await this.runs.cancel(tenantId, id);
    if (!run) throw notFound(id);
    return toRunView(run, await this.runs.countRowErrors(run.id), this.now());
  }

  private async load(tenantId: string, id: string) {
    const run = UUID.safeParse(id).success ? await this.runs.findForTenant(tenantId, id) : null;
    if (!run) throw notFound(id);
    return run;
  }
}

const notFound = (id: string) => new SchedulerError('RUN_NOT_FOUND', `no batch run "${id}" for this tenant`);
