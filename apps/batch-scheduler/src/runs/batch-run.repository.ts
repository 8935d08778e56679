import { Injectable } from '@nestjs/common';
import { Prisma, PrismaService, type BatchRun } from '@junction/persistence';
import type { BatchProgressDelta, BatchRowErrorInput } from '../jobs/batch-job';

export type BatchRunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export const BATCH_RUN_STATUSES: readonly BatchRunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];
export const FINAL_STATUSES: readonly BatchRunStatus[] = ['succeeded', 'failed', 'cancelled'];

export interface NewBatchRun {
  tenantId: string;
  job: string;
  params: unknown;
  scheduleId?: string | null;
  scheduledFor?: Date | null;
}

export interface RunFilter {
  tenantId: string;
  status?: BatchRunStatus;
  scheduleId?: string;
  limit: number;
  /** Runs created before this one (paging newest first). */
  before?: Date;
}

/** What a checkpoint found: `lost` when another process owns the run now (its writes were refused). */
export type CheckpointOutcome = 'ok' | 'cancelled' | 'lost';

/** Its error when the run is not ours any more: the job must stop, another leader resumed it. */
export class BatchRunLeaseLostError extends Error {
  override readonly name = 'BatchRunLeaseLostError';
  readonly code = 'BATCH_RUN_LEASE_LOST';
}

const json = (value: unknown): string | null => (value === undefined || value === null ? null : JSON.stringify(value));

/**
 * batch_run and batch_row_error: a run's lifecycle (queued → running → succeeded | failed | cancelled), its lease
 * (leaseOwner + heartbeatAt: a running run whose heartbeat is older than the lease belongs to nobody and is resumed by
 * the leader), and its progress. Writes of a lease holder are fenced by leaseOwner, so a process that lost its run
 * (paused, partitioned) cannot add counts on top of the one that resumed it.
 */
@Injectable()
export class BatchRunRepository {
  constructor(private readonly prisma: PrismaService) {}

  create(run: NewBatchRun): Promise<BatchRun> {
    return this.prisma.batchRun.create({
      data: {
        tenantId: run.tenantId,
        job: run.job,
        params: (run.params ?? {}) as Prisma.InputJsonValue,
        scheduleId: run.scheduleId ?? null,
        scheduledFor: run.scheduledFor ?? null,
      },
    });
  }

  find(id: string): Promise<BatchRun | null> {
    return this.prisma.batchRun.findUnique({ where: { id } });
  }

  findForTenant(tenantId: string, id: string): Promise<BatchRun | null> {
    return this.prisma.batchRun.findFirst({ where: { id, tenantId } });
  }

  list(filter: RunFilter): Promise<BatchRun[]> {
    return this.prisma.batchRun.findMany({
      where: { tenantId: filter.tenantId, status: filter.status, scheduleId: filter.scheduleId, createdAt: filter.before ? { lt: filter.before } : undefined },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: filter.limit,
    });
  }

  /**
   * Takes up to `limit` runs to work on: queued ones first (oldest first), then running ones whose heartbeat is older
   * than `leaseMs` (their owner died). Each is marked running by `owner` with a fresh heartbeat in the same statement;
   * SKIP LOCKED keeps two claimers from taking the same run.
   */
  async claimDue(owner: string, leaseMs: number, limit: number): Promise<BatchRun[]> {
    if (limit <= 0) return [];
    const ids = await this.prisma.$queryRaw<Array<{ id: string }>>`
      WITH due AS (
        SELECT "id" FROM "batch_run"
        WHERE "status" = 'queued'
           OR ("status" = 'running' AND ("heartbeatAt" IS NULL OR "heartbeatAt" < now() - make_interval(secs => ${leaseMs / 1000}::double precision)))
        ORDER BY ("status" = 'running') DESC, "createdAt"
        LIMIT ${limit}::int
        FOR UPDATE SKIP LOCKED)
      UPDATE "batch_run" r SET "status" = 'running', "leaseOwner" = ${owner}, "heartbeatAt" = now(),
        "startedAt" = COALESCE(r."startedAt", now()), "updatedAt" = now()
      FROM due WHERE r."id" = due."id"
      RETURNING r."id"`;
    if (ids.length === 0) return [];
    return this.prisma.batchRun.findMany({ where: { id: { in: ids.map((r) => r.id) } } });
  }

  /** Renews the lease; resolves the run's status, or 'lost' when it is not ours any more. */
  async heartbeat(id: string, owner: string): Promise<CheckpointOutcome> {
    const rows = await this.prisma.$queryRaw<Array<{ status: string }>>`
      UPDATE "batch_run" SET "heartbeatAt" = now() WHERE "id" = ${id}::uuid AND "leaseOwner" = ${owner} AND "status" IN ('running', 'cancelled')
      RETURNING "status"`;
    const status = rows[0]?.status;
    return status === undefined ? 'lost' : status === 'cancelled' ? 'cancelled' : 'ok';
  }

  async setTotal(id: string, total: number, owner?: string): Promise<void> {
    await this.prisma.batchRun.updateMany({ where: { id, ...(owner ? { leaseOwner: owner } : {}) }, data: { total } });
  }

  /**
   * One short transaction: counts add up, the cursor is replaced, row errors are inserted (a row already reported —
   * a resumed run re-reporting it — is kept as it was). With `owner`, only while the run is still ours.
   */
  checkpoint(id: string, done: BatchProgressDelta, cursor: unknown, rowErrors: readonly BatchRowErrorInput[] = [], owner?: string): Promise<CheckpointOutcome> {
    const succeeded = done.succeeded ?? 0;
    const failed = done.failed ?? 0;
    const skipped = done.skipped ?? 0;
    return this.prisma.transaction(async (tx) => {
      const rows = await tx.$queryRaw<Array<{ status: string }>>`
        UPDATE "batch_run" SET
          "succeeded" = "succeeded" + ${succeeded}::int, "failed" = "failed" + ${failed}::int, "skipped" = "skipped" + ${skipped}::int,
          "processed" = "processed" + ${succeeded + failed + skipped}::int,
          "cursor" = ${json(cursor)}::jsonb, "heartbeatAt" = CASE WHEN "leaseOwner" IS NULL THEN "heartbeatAt" ELSE now() END, "updatedAt" = now()
        WHERE "id" = ${id}::uuid AND (${owner ?? null}::text IS NULL OR "leaseOwner" = ${owner ?? null})
        RETURNING "status"`;
      const status = rows[0]?.status;
      if (status === undefined) return 'lost';
      if (rowErrors.length > 0) {
        await tx.batchRowError.createMany({
          data: rowErrors.map((e) => ({ runId: id, row: e.row, key: e.key ?? null, code: e.code, message: e.message })),
          skipDuplicates: true,
        });
      }
      return status === 'cancelled' ? 'cancelled' : 'ok';
    });
  }

  /**
   * Ends a run: succeeded / failed with its result or {code, message}. A run cancelled meanwhile stays cancelled
   * (it keeps the result). With `owner`, only while the run is ours. Resolves whether the run was updated.
   */
  async finish(id: string, outcome: { status: 'succeeded' | 'failed' | 'cancelled'; result?: unknown; error?: { code: string; message: string } }, owner?: string): Promise<boolean> {
    const rows = await this.prisma.$queryRaw<Array<{ id: string }>>`
      UPDATE "batch_run" SET
        "status" = CASE WHEN "status" = 'cancelled' THEN 'cancelled' ELSE ${outcome.status} END,
        "result" = ${json(outcome.result)}::jsonb, "error" = COALESCE(${json(outcome.error)}::jsonb, "error"),
        "finishedAt" = COALESCE("finishedAt", now()), "updatedAt" = now()
      WHERE "id" = ${id}::uuid AND "status" IN ('queued', 'running', 'cancelled')
        AND (${owner ?? null}::text IS NULL OR "leaseOwner" = ${owner ?? null} OR "leaseOwner" IS NULL)
      RETURNING "id"`;
    return rows.length > 0;
  }

  /**
   * Hands a run back for the next leader (shutdown): it stays running with its cursor but without an owner and with
   * no heartbeat, so the next claimer takes it at once instead of waiting for the lease to run out.
   */
  async release(id: string, owner: string): Promise<void> {
    await this.prisma.batchRun.updateMany({ where: { id, leaseOwner: owner, status: 'running' }, data: { leaseOwner: null, heartbeatAt: null } });
  }

  /**
   * Cancels a queued or running run of the tenant: queued ones end at once; a running one is marked cancelled and its
   * runner aborts the job at its next heartbeat or checkpoint. Resolves the run, or null if unknown to the tenant.
   */
  async cancel(tenantId: string, id: string): Promise<BatchRun | null> {
    await this.prisma.batchRun.updateMany({
      where: { id, tenantId, status: { in: ['queued', 'running'] } },
      data: { status: 'cancelled', finishedAt: new Date(), error: { code: 'CANCELLED', message: 'cancelled by an operator' } },
    });
    return this.findForTenant(tenantId, id);
  }

  countRowErrors(runId: string): Promise<number> {
    return this.prisma.batchRowError.count({ where: { runId } });
  }

  rowErrors(runId: string, afterRow: number, limit: number) {
    return this.prisma.batchRowError.findMany({ where: { runId, row: { gt: afterRow } }, orderBy: { row: 'asc' }, take: limit });
  }
}
