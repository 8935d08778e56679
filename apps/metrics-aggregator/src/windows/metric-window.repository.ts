import { Injectable } from '@nestjs/common';
import { PrismaService, ProcessedMessageRepository, type Tx } from '@junction/persistence';
import { fromRow, keyString, mergeInto, toRow, type WindowKey, type WindowRow, type WindowSize, type WindowState } from './window-aggregate';

export interface CallBatchItem {
  messageId: string;
}

export interface WindowQuery {
  tenantId: string;
  windowSize: WindowSize;
  from: Date;
  to: Date;
  provider?: string;
  connection?: string;
  operation?: string;
  limit: number;
}

/** What /metrics needs of a key over a trailing range: its 1-minute rows, to merge in memory. */
export type StoredWindow = WindowRow;

const COLUMNS = `"windowSize", "windowStart", "tenantId", "provider", "connection", "operation", "total", "successful", "failed",
  "unavailable", "errorRate", "uptimePct", "latencySumMs", "latencyMaxMs", "avgLatencyMs", "p95LatencyMs", "p99LatencyMs",
  encode("latencySketch", 'base64') AS "latencySketch", "lastSuccessAt", "lastErrorAt", "lastErrorCode", "lastErrorStatus",
  "lastErrorMessage", "breakerState"`;

interface RawWindow extends Omit<WindowRow, 'latencySketch'> {
  latencySketch: string;
}

/**
 * metric_window: one row per (window, key), merged by every replica under the row's lock. A batch of call records
 * is one transaction: the idempotency marks (processed_message, the same guard IdempotentConsumer uses), then each
 * touched window: inserted empty if new, locked (SELECT … FOR UPDATE; both statements take rows in the same key order
 * so two replicas' batches do not deadlock on each other's rows), merged with the batch's delta in memory (sketches merge exactly), written back.
 */
@Injectable()
export class MetricWindowRepository {
  /** The idempotent consumers' guard (stateless). */
  private readonly marks = new ProcessedMessageRepository();

  constructor(private readonly prisma: PrismaService) {}

  /**
   * Applies the calls of `messageIds` not yet recorded for `consumer`: `fold` gets the ids that are new (a
   * redelivered or duplicate record is dropped here, in the same transaction as the writes) and returns their
   * window deltas. Returns how many were new.
   */
  async applyBatch(consumer: string, messageIds: readonly string[], fold: (fresh: ReadonlySet<string>) => Map<string, WindowState>): Promise<number> {
    return this.prisma.transaction(async (tx) => {
      const fresh = await this.marks.tryRecordMany(tx, consumer, messageIds);
      if (fresh.size === 0) return 0;
      await this.merge(tx, [...fold(fresh).values()]);
      return fresh.size;
    });
  }

  private async merge(tx: Tx, deltas: WindowState[]): Promise<void> {
    if (deltas.length === 0) return;
    const keys = JSON.stringify(deltas.map(keyJson));
    await tx.$executeRawUnsafe(
      `INSERT INTO "metric_window" ("windowSize", "windowStart", "tenantId", "provider", "connection", "operation", "total", "successful",
         "failed", "unavailable", "errorRate", "uptimePct", "latencySumMs", "latencyMaxMs", "avgLatencyMs", "p95LatencyMs", "p99LatencyMs", "latencySketch")
       SELECT k."windowSize", k."windowStart", k."tenantId", k."provider", k."connection", k."operation", 0, 0, 0, 0, 0, 100, 0, 0, 0, 0, 0, ''::bytea
       FROM jsonb_to_recordset($1::jsonb) AS k("windowSize" text, "windowStart" timestamptz, "tenantId" text, "provider" text, "connection" text, "operation" text)
       ORDER BY 1, 2, 3, 4, 5, 6
       ON CONFLICT DO NOTHING`,
      keys,
    );
    const locked = await tx.$queryRawUnsafe<RawWindow[]>(
      `SELECT ${COLUMNS} FROM "metric_window" m
       WHERE ("windowSize", "windowStart", "tenantId", "provider", "connection", "operation") IN (
         SELECT k."windowSize", k."windowStart", k."tenantId", k."provider", k."connection", k."operation"
         FROM jsonb_to_recordset($1::jsonb) AS k("windowSize" text, "windowStart" timestamptz, "tenantId" text, "provider" text, "connection" text, "operation" text))
       ORDER BY 1, 2, 3, 4, 5, 6
       FOR UPDATE`,
      keys,
    );
    const current = new Map(locked.map((raw) => { const row = decodeRaw(raw); return [keyString(row), row]; }));
    const merged = deltas.map((delta) => {
      const stored = current.get(keyString(delta));
      return toRow(stored ? mergeInto(fromRow(stored), delta) : delta);
    });
    await tx.$executeRawUnsafe(
      `UPDATE "metric_window" m SET
         "total" = v."total", "successful" = v."successful", "failed" = v."failed", "unavailable" = v."unavailable",
         "errorRate" = v."errorRate", "uptimePct" = v."uptimePct", "latencySumMs" = v."latencySumMs", "latencyMaxMs" = v."latencyMaxMs",
         "avgLatencyMs" = v."avgLatencyMs", "p95LatencyMs" = v."p95LatencyMs", "p99LatencyMs" = v."p99LatencyMs",
         "latencySketch" = decode(v."latencySketch", 'base64'), "lastSuccessAt" = v."lastSuccessAt", "lastErrorAt" = v."lastErrorAt",
         "lastErrorCode" = v."lastErrorCode", "lastErrorStatus" = v."lastErrorStatus", "lastErrorMessage" = v."lastErrorMessage",
         "breakerState" = v."breakerState", "updatedAt" = now()
       FROM jsonb_to_recordset($1::jsonb) AS v("windowSize" text, "windowStart" timestamptz, "tenantId" text, "provider" text, "connection" text,
         "operation" text, "total" int, "successful" int, "failed" int, "unavailable" int, "errorRate" float8, "uptimePct" float8,
         "latencySumMs" float8, "latencyMaxMs" float8, "avgLatencyMs" float8, "p95LatencyMs" float8, "p99LatencyMs" float8, "latencySketch" text,
         "lastSuccessAt" timestamptz, "lastErrorAt" timestamptz, "lastErrorCode" text, "lastErrorStatus" int, "lastErrorMessage" text, "breakerState" text)
       WHERE (m."windowSize", m."windowStart", m."tenantId", m."provider", m."connection", m."operation")
           = (v."windowSize", v."windowStart", v."tenantId", v."provider", v."connection", v."operation")`,
      JSON.stringify(merged.map((row) => ({ ...row, latencySketch: Buffer.from(row.latencySketch).toString('base64') }))),
    );
  }

  /** The tenant's windows of one size in [from, to), oldest first. */
  async find(query: WindowQuery): Promise<WindowRow[]> {
    const rows = await this.prisma.$queryRawUnsafe<RawWindow[]>(
      `SELECT ${COLUMNS} FROM "metric_window"
       WHERE "tenantId" = $1 AND "windowSize" = $2 AND "windowStart" >= $3::timestamptz AND "windowStart" < $4::timestamptz
         AND ($5::text IS NULL OR "provider" = $5) AND ($6::text IS NULL OR "connection" = $6) AND ($7::text IS NULL OR "operation" = $7)
       ORDER BY "windowStart", "provider", "connection", "operation"
       LIMIT $8`,
      query.tenantId,
      query.windowSize,
      query.from.toISOString(),
      query.to.toISOString(),
      query.provider ?? null,
      query.connection ?? null,
      query.operation ?? null,
      query.limit,
    );
    return rows.map(decodeRaw);
  }

  /** Every tenant's windows of one size starting at or after `since` (what /metrics folds per key). */
  async since(windowSize: WindowSize, since: Date): Promise<WindowRow[]> {
    const rows = await this.prisma.$queryRawUnsafe<RawWindow[]>(
      `SELECT ${COLUMNS} FROM "metric_window" WHERE "windowSize" = $1 AND "windowStart" >= $2::timestamptz ORDER BY "windowStart"`,
      windowSize,
      since.toISOString(),
    );
    return rows.map(decodeRaw);
  }
}

function keyJson(k: WindowKey) {
  return { windowSize: k.windowSize, windowStart: k.windowStart.toISOString(), tenantId: k.tenantId, provider: k.provider, connection: k.connection, operation: k.operation };
}

function decodeRaw(raw: RawWindow): WindowRow {
  return {
    ...raw,
    windowStart: new Date(raw.windowStart),
    lastSuccessAt: raw.lastSuccessAt ? new Date(raw.lastSuccessAt) : null,
    lastErrorAt: raw.lastErrorAt ? new Date(raw.lastErrorAt) : null,
    latencySketch: Buffer.from(raw.latencySketch, 'base64'),
  };
}
