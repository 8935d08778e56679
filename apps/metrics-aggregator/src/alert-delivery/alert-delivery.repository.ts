import { Injectable } from '@nestjs/common';
import { type Alert, type AlertChannel, type AlertDelivery, Prisma, PrismaService, type Tx } from '@junction/persistence';

/** A delivery this replica holds the lease of: `attempts` already counts the attempt about to be made. */
export interface ClaimedDelivery {
  id: string;
  alertId: string;
  channelId: string;
  event: string;
  attempts: number;
}

export type DeliveryWithTargets = AlertDelivery & { alert: Alert; channel: AlertChannel };

export type DeliveryResult =
  | { status: 'delivered'; lastStatus: number | null }
  | { status: 'pending'; delayMs: number; lastStatus: number | null; lastError: string }
  | { status: 'failed'; lastStatus: number | null; lastError: string };

/**
 * alert_delivery's state machine. Claiming is one short statement (its own transaction): due rows are locked with
 * FOR UPDATE SKIP LOCKED, so replicas claiming at once take disjoint rows, and their nextAttemptAt moves forward by
 * the lease and attempts grows by one before the lock is released. The send happens after that, outside any
 * transaction. A replica that dies mid-send leaves the row to be claimed again when the lease ends (the attempt
 * counts). Results are written only by the holder of that attempt (attempts unchanged, still pending): a late
 * writer whose lease ran out and whose row was claimed again changes nothing. Times are the database's clock, the
 * one clock all replicas share.
 */
@Injectable()
export class AlertDeliveryRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** `tx`: only for tests that hold a claim's locks open to show another replica skips those rows. */
  async claimDue(limit: number, leaseMs: number, tx?: Tx): Promise<ClaimedDelivery[]> {
    return (tx ?? this.prisma).$queryRaw<ClaimedDelivery[]>(Prisma.sql`
      WITH due AS (
        SELECT id FROM alert_delivery
        WHERE status = 'pending' AND "nextAttemptAt" <= now()
        ORDER BY "nextAttemptAt"
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED
      )
      UPDATE alert_delivery d
      SET "nextAttemptAt" = now() + make_interval(secs => ${leaseMs / 1000}::float8), attempts = d.attempts + 1
      FROM due WHERE d.id = due.id
      RETURNING d.id, d."alertId", d."channelId", d.event, d.attempts`);
  }

  /** The claimed rows with their alert and channel (a channel deleted meanwhile took its deliveries with it). */
  withTargets(ids: readonly string[]): Promise<DeliveryWithTargets[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.prisma.alertDelivery.findMany({ where: { id: { in: [...ids] } }, include: { alert: true, channel: true } });
  }

  /** Writes the attempt's result; false when this replica no longer holds the attempt (see the class comment). */
  async record(id: string, attempt: number, result: DeliveryResult): Promise<boolean> {
    const { status, lastStatus } = result;
    const lastError = result.status === 'delivered' ? null : result.lastError;
    const count = await this.prisma.$executeRaw(Prisma.sql`
      UPDATE alert_delivery SET
        status = ${status},
        "lastStatus" = ${lastStatus},
        "lastError" = ${lastError},
        "deliveredAt" = CASE WHEN ${status} = 'delivered' THEN now() ELSE "deliveredAt" END,
        "nextAttemptAt" = CASE WHEN ${status} = 'pending' THEN now() + make_interval(secs => ${result.status === 'pending' ? result.delayMs / 1000 : 0}::float8) ELSE "nextAttemptAt" END
      WHERE id = ${id}::uuid AND attempts = ${attempt} AND status = 'pending'`);
    return count === 1;
  }

  /** Counts by status (the API's channel view and tests). */
  async countByStatus(channelId: string): Promise<Record<string, number>> {
    const rows = await this.prisma.alertDelivery.groupBy({ by: ['status'], where: { channelId }, _count: { _all: true } });
    return Object.fromEntries(rows.map((r) => [r.status, r._count._all]));
  }
}
