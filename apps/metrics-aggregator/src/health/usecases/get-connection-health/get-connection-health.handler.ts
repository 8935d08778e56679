import { BadRequestException, NotFoundException } from '@nestjs/common';
import { z } from 'zod';
import { reasonsOf } from '../../connection-health.repository';
import type { ConnectionHealthViewRepository, HealthRow } from '../../connection-health-view.repository';

export const connectionHealthQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  before: z.iso.datetime({ offset: true }).optional(),
});

export interface HealthReasonView {
  code: string;
  message: string;
}

export interface ConnectionHealthStatusView {
  id: string;
  name: string;
  provider: string;
  /** The connection's own status (connected, error, reauth_required …). */
  connectionStatus: string;
  status: string;
  statusSince: Date | null;
  reasons: HealthReasonView[];
  lastCheck: { ok: boolean; latencyMs: number; errorClass: string | null; message: string | null; checkedAt: Date } | null;
  nextCheckAt: Date | null;
  /** The checks of the last `hours` hours (scheduled and manual): uptime = ok / checks; p95 over the passing ones. */
  checks: { hours: number; count: number; ok: number; uptimeRatio: number | null; p95LatencyMs: number | null };
  /** The connection's calls in the 1-minute metric windows of the last `minutes` minutes, all operations. */
  windows: { minutes: number; calls: number; failed: number; errorRate: number | null; avgLatencyMs: number | null };
}

export interface ConnectionHealthDetailView extends ConnectionHealthStatusView {
  history: { items: Array<{ id: string; ok: boolean; latencyMs: number; errorClass: string | null; message: string | null; checkedAt: Date }>; nextBefore: Date | null };
  changes: Array<{ from: string | null; to: string | null; reasons: HealthReasonView[]; at: Date }>;
}

export interface HealthViewSettings {
  windowMinutes: number;
  summaryHours: number;
}

const CHANGES_SHOWN = 20;

/** GET /health/connections[/:id]: the caller's tenant's connections with their health (404 CONNECTION_NOT_FOUND for another tenant's). */
export class GetConnectionHealthHandler {
  constructor(
    private readonly views: ConnectionHealthViewRepository,
    private readonly settings: HealthViewSettings,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async list(tenantId: string): Promise<{ items: ConnectionHealthStatusView[] }> {
    return { items: (await this.views.list(tenantId, this.ranges())).map((row) => this.toView(row)) };
  }

  async get(tenantId: string, id: string, query: Record<string, unknown>): Promise<ConnectionHealthDetailView> {
    const parsed = connectionHealthQuerySchema.safeParse(query);
    if (!parsed.success) throw new BadRequestException({ code: 'INVALID_QUERY', message: parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ') });
    const { limit, before } = parsed.data;
    const [row] = z.uuid().safeParse(id).success ? await this.views.list(tenantId, { ...this.ranges(), id }) : [];
    if (!row) throw new NotFoundException({ code: 'CONNECTION_NOT_FOUND', message: `no connection "${id}"` });
    const items = await this.views.checks(tenantId, id, { limit, before: before ? new Date(before) : undefined });
    const changes = await this.views.changes(tenantId, id, CHANGES_SHOWN);
    return {
      ...this.toView(row),
      history: { items, nextBefore: items.length === limit ? (items.at(-1)?.checkedAt ?? null) : null },
      changes: changes.map((c) => {
        const detail = (c.detail ?? {}) as { from?: unknown; to?: unknown };
        return { from: typeof detail.from === 'string' ? detail.from : null, to: typeof detail.to === 'string' ? detail.to : null, reasons: reasonsOf(c.detail), at: c.occurredAt };
      }),
    };
  }

  private ranges(): { checksSince: Date; windowSince: Date } {
    const now = this.now().getTime();
    return { checksSince: new Date(now - this.settings.summaryHours * 3_600_000), windowSince: new Date(now - this.settings.windowMinutes * 60_000) };
  }

  private toView(row: HealthRow): ConnectionHealthStatusView {
    const reasons = reasonsOf(row.healthDetail);
    return {
      id: row.id,
      name: row.name,
      provider: row.provider,
      connectionStatus: row.status,
      status: row.healthStatus,
      statusSince: row.healthStatusAt,
      reasons: reasons.length === 0 && row.healthStatus === 'unknown' ? [{ code: 'NEVER_CHECKED', message: 'no scheduled check has run yet' }] : reasons,
      lastCheck: row.lastCheckedAt && row.lastOk !== null ? { ok: row.lastOk, latencyMs: row.lastLatencyMs ?? 0, errorClass: row.lastErrorClass, message: row.lastMessage, checkedAt: row.lastCheckedAt } : null,
      nextCheckAt: row.nextHealthCheckAt,
      checks: { hours: this.settings.summaryHours, count: row.checks, ok: row.okChecks, uptimeRatio: row.checks === 0 ? null : row.okChecks / row.checks, p95LatencyMs: row.p95CheckMs },
      windows: {
        minutes: this.settings.windowMinutes,
        calls: row.windowTotal,
        failed: row.windowFailed,
        errorRate: row.windowTotal === 0 ? null : row.windowFailed / row.windowTotal,
        avgLatencyMs: row.windowTotal === 0 ? null : row.windowLatencySumMs / row.windowTotal,
      },
    };
  }
}
