import { Injectable } from '@nestjs/common';
import { type Connection, Prisma, PrismaService, type Tx } from '@junction/persistence';
import { healthChanged, type CheckSample, type HealthEvaluation, type WindowStats } from './health-status.rules';

/** What the scheduler records of one check, and how the status is evaluated from what is stored then. */
export interface CheckRecord {
  connectionId: string;
  ok: boolean;
  latencyMs: number;
  errorClass: string | null;
  message: string;
  capabilities: readonly string[];
  checkedAt: Date;
}

export interface EvaluationContext {
  connectionStatus: string;
  /** Newest first, the one just recorded included. */
  checks: CheckSample[];
  windows: WindowStats;
  previous: { status: string; codes: string[] };
}

export interface RecordedCheck {
  tenantId: string;
  from: string;
  evaluation: HealthEvaluation;
  changed: boolean;
}

const ACTOR = 'system';
export const HEALTH_CHANGED = 'health_changed';

/**
 * The scheduled checks' side of connection, connection_health and connection_event. Claiming is one short
 * statement (FOR UPDATE SKIP LOCKED, so replicas never claim the same connection); the provider is called between
 * the claim and `recordCheck`, never inside a transaction. Writes to connection are raw SQL on purpose: Prisma's
 * @updatedAt would move, and updatedAt is the version workers cache an opened connection (and its MCP session) by.
 */
@Injectable()
export class ConnectionHealthCheckRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Claims up to `limit` due connections (next check null or past; not configuring or disconnected) and moves their
   * next check `intervalMs` ± `jitterRatio` ahead, so replicas and restarts spread out instead of checking in step.
   */
  claimDue(limit: number, intervalMs: number, jitterRatio: number): Promise<Array<{ id: string; tenantId: string }>> {
    return this.prisma.$queryRawUnsafe<Array<{ id: string; tenantId: string }>>(
      `UPDATE "connection" c
       SET "nextHealthCheckAt" = now() + ($2::float8 * (1 + $3::float8 * (random() * 2 - 1))) * interval '1 millisecond'
       FROM (SELECT id FROM "connection"
             WHERE ("nextHealthCheckAt" IS NULL OR "nextHealthCheckAt" <= now()) AND status NOT IN ('configuring', 'disconnected')
             ORDER BY "nextHealthCheckAt" ASC NULLS FIRST
             LIMIT $1
             FOR UPDATE SKIP LOCKED) due
       WHERE c.id = due.id
       RETURNING c.id::text AS id, c."tenantId"`,
      limit,
      intervalMs,
      jitterRatio,
    );
  }

  /** The connection row to open for the probe (status re-checked: it may have been disconnected since the claim). */
  findCheckable(id: string): Promise<Connection | null> {
    return this.prisma.connection.findFirst({ where: { id, status: { notIn: ['configuring', 'disconnected'] } } });
  }

  /**
   * One short transaction after the probe: the connection_health row; the connection's status as a connection test
   * sets it (connected ↔ error; other statuses stay) with lastTestedAt and lastError; then the health status from
   * `evaluate`, written with a health_changed event when the status or its reasons changed. Null when the
   * connection was deleted meanwhile.
   */
  recordCheck(check: CheckRecord, options: { recentChecks: number; windowSince: Date }, evaluate: (context: EvaluationContext) => HealthEvaluation): Promise<RecordedCheck | null> {
    return this.prisma.transaction(async (tx) => {
      const [row] = await tx.$queryRawUnsafe<Array<{ tenantId: string; status: string; healthStatus: string }>>(
        `SELECT "tenantId", status, "healthStatus" FROM "connection" WHERE id = $1::uuid FOR UPDATE`,
        check.connectionId,
      );
      if (!row) return null;
      await tx.connectionHealth.create({
        data: {
          connectionId: check.connectionId,
          tenantId: row.tenantId,
          ok: check.ok,
          latencyMs: Math.max(0, Math.round(check.latencyMs)),
          errorClass: check.errorClass,
          message: check.message,
          capabilities: [...check.capabilities],
          checkedAt: check.checkedAt,
        },
      });
      const status = row.status === 'connected' || row.status === 'error' ? (check.ok ? 'connected' : 'error') : row.status;
      const lastError = check.ok ? null : JSON.stringify({ code: check.errorClass ?? 'unknown', message: check.message });
      await tx.$executeRawUnsafe(
        `UPDATE "connection" SET status = $2, "lastTestedAt" = $3::timestamptz,
           "lastError" = CASE WHEN $2 IN ('connected', 'error') THEN $4::jsonb ELSE "lastError" END
         WHERE id = $1::uuid`,
        check.connectionId,
        status,
        check.checkedAt.toISOString(),
        lastError,
      );
      const context: EvaluationContext = {
        connectionStatus: status,
        checks: await this.recentChecks(tx, check.connectionId, options.recentChecks),
        windows: await this.windowStats(tx, row.tenantId, check.connectionId, options.windowSince),
        previous: { status: row.healthStatus, codes: await this.previousCodes(tx, check.connectionId) },
      };
      const evaluation = evaluate(context);
      const changed = healthChanged(context.previous, evaluation);
      if (changed) {
        await tx.$executeRawUnsafe(
          `UPDATE "connection" SET "healthStatus" = $2, "healthStatusAt" = CASE WHEN "healthStatus" = $2 THEN "healthStatusAt" ELSE $3::timestamptz END WHERE id = $1::uuid`,
          check.connectionId,
          evaluation.status,
          check.checkedAt.toISOString(),
        );
        const detail = { from: row.healthStatus, to: evaluation.status, reasons: evaluation.reasons } as unknown as Prisma.InputJsonObject;
        await tx.connectionEvent.create({ data: { connectionId: check.connectionId, tenantId: row.tenantId, type: HEALTH_CHANGED, actor: ACTOR, detail, occurredAt: check.checkedAt } });
      }
      return { tenantId: row.tenantId, from: row.healthStatus, evaluation, changed };
    });
  }

  private async recentChecks(tx: Tx, connectionId: string, limit: number): Promise<CheckSample[]> {
    const rows = await tx.connectionHealth.findMany({
      where: { connectionId },
      orderBy: [{ checkedAt: 'desc' }, { id: 'desc' }],
      take: limit,
      select: { ok: true, latencyMs: true, errorClass: true, message: true },
    });
    return rows;
  }

  /** The connection's 1-minute windows since `since`, all operations summed (metric_window keys a connection by its id). */
  private async windowStats(tx: Tx, tenantId: string, connectionId: string, since: Date): Promise<WindowStats> {
    const [w] = await tx.$queryRawUnsafe<WindowStats[]>(
      `SELECT coalesce(sum(total), 0)::int AS total, coalesce(sum(failed), 0)::int AS failed, coalesce(sum("latencySumMs"), 0)::float8 AS "latencySumMs"
       FROM "metric_window" WHERE "tenantId" = $1 AND "windowSize" = '1m' AND "windowStart" >= $2::timestamptz AND connection = $3`,
      tenantId,
      since.toISOString(),
      connectionId,
    );
    return w ?? { total: 0, failed: 0, latencySumMs: 0 };
  }

  private async previousCodes(tx: Tx, connectionId: string): Promise<string[]> {
    const last = await tx.connectionEvent.findFirst({ where: { connectionId, type: HEALTH_CHANGED }, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }], select: { detail: true } });
    return reasonsOf(last?.detail).map((r) => r.code);
  }
}

/** The reasons stored in a health_changed event's detail (tolerant of older or foreign shapes). */
export function reasonsOf(detail: unknown): Array<{ code: string; message: string }> {
  const reasons = (detail as { reasons?: unknown } | null | undefined)?.reasons;
  if (!Array.isArray(reasons)) return [];
  return reasons.filter((r): r is { code: string; message: string } => typeof (r as { code?: unknown })?.code === 'string').map((r) => ({ code: r.code, message: String(r.message ?? '') }));
}
