import { Injectable } from '@nestjs/common';
import { AuditEventRepository, PrismaService } from '@junction/persistence';

export interface ToolCallRecord {
  tool: string;
  tenantId: string;
  apiKeyId: string;
  /** ok | pending | a stable code (VALIDATION_FAILED, TOOL_NOT_ALLOWED, RATE_LIMITED, the .failed event's code …). */
  outcome: string;
  latencyMs: number;
  commandId?: string;
}

export interface ToolMetrics {
  tool: string;
  calls: number;
  errors: number;
  p50Ms: number | null;
  p95Ms: number | null;
  p99Ms: number | null;
}

/** Outcomes that are not errors: an answer, or an answer still on its way. */
export const NON_ERROR_OUTCOMES = ['ok', 'pending'] as const;

/** mcp_tool_call (metrics) and audit_event (`mcp.tool.called`): one row each per call, never the arguments. */
@Injectable()
export class ToolCallRepository {
  constructor(
    private readonly prisma: PrismaService,
    private readonly audit: AuditEventRepository,
  ) {}

  async record(call: ToolCallRecord): Promise<void> {
    await this.prisma.transaction(async (tx) => {
      await tx.mcpToolCall.create({ data: { tool: call.tool, tenantId: call.tenantId, apiKeyId: call.apiKeyId, outcome: call.outcome, latencyMs: call.latencyMs } });
      await this.audit.insertMany(
        [
          {
            action: 'mcp.tool.called',
            actor: `mcp:${call.apiKeyId}`,
            tenantId: call.tenantId,
            subject: call.tool,
            outcome: call.outcome,
            detail: { ...(call.commandId ? { commandId: call.commandId } : {}), latencyMs: call.latencyMs },
          },
        ],
        tx,
      );
    });
  }

  /** Per tool over the calls since `since` (all tenants when `tenantId` is undefined): count, errors, latency percentiles. */
  async metrics(since: Date, tenantId?: string): Promise<ToolMetrics[]> {
    const rows = await this.prisma.$queryRaw<Array<{ tool: string; calls: bigint; errors: bigint; p50: number | null; p95: number | null; p99: number | null }>>`
      SELECT "tool",
             count(*) AS "calls",
             count(*) FILTER (WHERE "outcome" NOT IN ('ok', 'pending')) AS "errors",
             percentile_cont(0.5) WITHIN GROUP (ORDER BY "latencyMs") AS "p50",
             percentile_cont(0.95) WITHIN GROUP (ORDER BY "latencyMs") AS "p95",
             percentile_cont(0.99) WITHIN GROUP (ORDER BY "latencyMs") AS "p99"
        FROM "mcp_tool_call"
       WHERE "calledAt" >= ${since} AND (${tenantId ?? null}::text IS NULL OR "tenantId" = ${tenantId ?? null})
       GROUP BY "tool"
       ORDER BY "tool"`;
    return rows.map((r) => ({ tool: r.tool, calls: Number(r.calls), errors: Number(r.errors), p50Ms: round(r.p50), p95Ms: round(r.p95), p99Ms: round(r.p99) }));
  }
}

function round(value: number | null): number | null {
  return value === null ? null : Math.round(Number(value) * 10) / 10;
}
