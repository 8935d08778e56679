import { Injectable } from '@nestjs/common';
import { type Alert, type AlertRule, type Exclusive, Prisma, PrismaService, type Tx, withSessionLock } from '@junction/persistence';
import type { Finding } from './alert-conditions';

/** The session advisory lock one evaluation round holds: one evaluator at a time across replicas. */
const EVALUATION_LOCK = 'junction:alerts:evaluate';

export type OpenAlert = Pick<Alert, 'id' | 'tenantId' | 'rule' | 'subject' | 'openKey' | 'severity' | 'summary' | 'value' | 'threshold' | 'labels' | 'firedAt'>;

export interface AlertQuery {
  tenantId: string;
  status?: 'firing' | 'resolved';
  rule?: string;
  limit: number;
}

export type AlertWithDeliveries = Alert & { deliveries: Array<{ channelId: string; event: string; status: string; attempts: number; deliveredAt: Date | null }> };

/** "<tenant>|<rule>|<subject>": unique among open alerts (alert.openKey), the dedupe of fire. */
export function openKeyOf(tenantId: string, rule: string, subject: string): string {
  return `${tenantId}|${rule}|${subject}`;
}

/** alert, alert_rule and alert_delivery rows; the evaluation lock. */
@Injectable()
export class AlertRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  /** Runs `work` holding the evaluation lock (withSessionLock), or `{ acquired: false }` at once when another evaluator holds it. */
  exclusive<T>(work: () => Promise<T>): Promise<Exclusive<T>> {
    return withSessionLock(this.prisma.pool, EVALUATION_LOCK, () => work());
  }

  // --- rule settings

  ruleSettings(tenantId?: string): Promise<AlertRule[]> {
    return this.prisma.alertRule.findMany({ where: tenantId === undefined ? {} : { tenantId }, orderBy: [{ tenantId: 'asc' }, { rule: 'asc' }] });
  }

  saveRule(tx: Tx, tenantId: string, rule: string, enabled: boolean, params: Prisma.InputJsonValue): Promise<AlertRule> {
    return tx.alertRule.upsert({ where: { tenantId_rule: { tenantId, rule } }, create: { tenantId, rule, enabled, params }, update: { enabled, params } });
  }

  // --- alerts

  openAlerts(): Promise<OpenAlert[]> {
    return this.prisma.alert.findMany({
      where: { status: 'firing' },
      select: { id: true, tenantId: true, rule: true, subject: true, openKey: true, severity: true, summary: true, value: true, threshold: true, labels: true, firedAt: true },
    });
  }

  /**
   * Inserts the alert as firing, or nothing when one is already open for its key (another evaluator, a round that
   * overlapped): ON CONFLICT on the unique openKey, so the transaction is not aborted by a unique violation.
   */
  async insertFiring(tx: Tx, tenantId: string, f: Finding, at: Date): Promise<OpenAlert | null> {
    const rows = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO "alert" ("tenantId", "rule", "subject", "openKey", "status", "severity", "summary", "value", "threshold", "labels", "firedAt", "lastEvaluatedAt")
      VALUES (${tenantId}, ${f.rule}, ${f.subject}, ${openKeyOf(tenantId, f.rule, f.subject)}, 'firing', ${f.severity}, ${f.summary}, ${f.value}, ${f.threshold},
              ${JSON.stringify(f.labels)}::jsonb, ${at}, ${at})
      ON CONFLICT ("openKey") DO NOTHING
      RETURNING "id"`;
    const id = rows[0]?.id;
    if (!id) return null;
    return { id, tenantId, rule: f.rule, subject: f.subject, openKey: openKeyOf(tenantId, f.rule, f.subject), severity: f.severity, summary: f.summary, value: f.value, threshold: f.threshold, labels: f.labels, firedAt: at };
  }

  /** Still true: the latest value and the time of this evaluation, nothing else (an open alert never fires twice). */
  async touch(openKey: string, f: Finding, at: Date): Promise<void> {
    await this.prisma.alert.updateMany({ where: { openKey, status: 'firing' }, data: { value: f.value, summary: f.summary, lastEvaluatedAt: at } });
  }

  /** Firing → resolved (openKey freed for the next episode); false when it was resolved already. */
  async markResolved(tx: Tx, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.alert.updateMany({ where: { id, status: 'firing' }, data: { status: 'resolved', openKey: null, resolvedAt: at, lastEvaluatedAt: at } });
    return count === 1;
  }

  /** One pending delivery of this transition per enabled channel of the tenant (alert-delivery sends them). */
  async addDeliveries(tx: Tx, alertId: string, tenantId: string, event: 'fired' | 'resolved'): Promise<number> {
    return tx.$executeRaw`
      INSERT INTO "alert_delivery" ("alertId", "channelId", "event")
      SELECT ${alertId}::uuid, c."id", ${event} FROM "alert_channel" c WHERE c."tenantId" = ${tenantId} AND c."enabled"
      ON CONFLICT ("alertId", "channelId", "event") DO NOTHING`;
  }

  list(query: AlertQuery): Promise<Alert[]> {
    return this.prisma.alert.findMany({
      where: { tenantId: query.tenantId, ...(query.status ? { status: query.status } : {}), ...(query.rule ? { rule: query.rule } : {}) },
      orderBy: [{ firedAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
    });
  }

  find(tenantId: string, id: string): Promise<AlertWithDeliveries | null> {
    return this.prisma.alert.findFirst({
      where: { id, tenantId },
      include: { deliveries: { select: { channelId: true, event: true, status: true, attempts: true, deliveredAt: true }, orderBy: { createdAt: 'asc' } } },
    });
  }

  /** Firing alerts of every tenant per rule and severity (the Prometheus gauge). */
  async firingCounts(): Promise<Array<{ rule: string; severity: string; count: number }>> {
    const rows = await this.prisma.alert.groupBy({ by: ['rule', 'severity'], where: { status: 'firing' }, _count: { _all: true } });
    return rows.map((r) => ({ rule: r.rule, severity: r.severity, count: r._count._all }));
  }
}
