import { Injectable } from '@nestjs/common';
import { PrismaService } from '@junction/persistence';
import type { CallMinute, DeadLetterMinute, ReauthConnection } from './alert-conditions';

interface RawCallMinute extends Omit<CallMinute, 'windowStart' | 'lastErrorAt' | 'lastSuccessAt'> {
  windowStart: Date | string;
  lastErrorAt: Date | string | null;
  lastSuccessAt: Date | string | null;
}

const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));

/**
 * What the alert rules read, for every tenant at once: 1-minute metric windows (call rules), connections needing
 * re-authorization, and open dead letters per minute. A round reads each once, however many tenants there are.
 */
@Injectable()
export class AlertSignalsRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** 1-minute windows with windowStart in [from, to]: one row per tenant, provider, connection, operation and minute. */
  async callMinutes(from: Date, to: Date): Promise<CallMinute[]> {
    const rows = await this.prisma.$queryRawUnsafe<RawCallMinute[]>(
      `SELECT "tenantId", "provider", "connection", "operation", "windowStart", "total", "failed", "latencySumMs",
              "lastErrorCode", "lastErrorAt", "lastSuccessAt", "breakerState"
       FROM "metric_window"
       WHERE "windowSize" = '1m' AND "windowStart" >= $1::timestamptz AND "windowStart" <= $2::timestamptz`,
      from.toISOString(),
      to.toISOString(),
    );
    return rows.map((r) => ({
      ...r,
      total: Number(r.total),
      failed: Number(r.failed),
      latencySumMs: Number(r.latencySumMs),
      windowStart: date(r.windowStart),
      lastErrorAt: r.lastErrorAt === null ? null : date(r.lastErrorAt),
      lastSuccessAt: r.lastSuccessAt === null ? null : date(r.lastSuccessAt),
    }));
  }

  reauthRequired(): Promise<ReauthConnection[]> {
    return this.prisma.connection.findMany({ where: { status: 'reauth_required' }, select: { id: true, tenantId: true, name: true, typeSlug: true }, orderBy: { id: 'asc' } });
  }

  /**
   * Dead letters not redriven, dead-lettered in [from, to], per tenant, subscription and minute. Rows without a
   * tenant (bodies that were no envelope) belong to no tenant's rule.
   */
  async openDeadLetterMinutes(from: Date, to: Date): Promise<DeadLetterMinute[]> {
    const rows = await this.prisma.$queryRawUnsafe<Array<{ tenantId: string; subscription: string; minute: Date | string; count: bigint | number }>>(
      `SELECT "tenantId", "subscription", date_trunc('minute', "deadLetteredAt") AS "minute", count(*) AS "count"
       FROM "dead_letter"
       WHERE "tenantId" IS NOT NULL AND "redrivenAt" IS NULL AND "deadLetteredAt" >= $1::timestamptz AND "deadLetteredAt" <= $2::timestamptz
       GROUP BY 1, 2, 3`,
      from.toISOString(),
      to.toISOString(),
    );
    return rows.map((r) => ({ tenantId: r.tenantId, subscription: r.subscription, minute: date(r.minute), count: Number(r.count) }));
  }
}
