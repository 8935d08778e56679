import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AuditEventRepository, type NewAuditEvent } from '@junction/persistence';

const FLUSH_EVERY_MS = 500;
const FLUSH_AT = 200;
/**
 * Past this many rows waiting for the database (it is slow or down), a rejection is counted into its key's
 * aggregate instead of getting a row of its own: memory stays bounded and the count is kept.
 */
const MAX_PENDING = 10_000;

/**
 * Sampling: per (endpoint, code) and clock-aligned minute, the first INDIVIDUAL_PER_WINDOW rejections get a row
 * each (request id, remote address, message: enough to debug one misconfigured sender); the rest are counted and
 * written as one aggregate row per key and AGGREGATE_EVERY_MS (count, first/last seen), so an attack shows in the
 * audit trail within seconds. A flood costs at most INDIVIDUAL_PER_WINDOW + 6 rows per key per minute, whatever
 * its rate, and `sum(detail.count)` over `webhook.rejected` rows is still the number of rejected requests.
 */
export const REJECTION_WINDOW_MS = 60_000;
export const AGGREGATE_EVERY_MS = 10_000;
export const INDIVIDUAL_PER_WINDOW = 10;
/**
 * Keys per window. Known endpoints are admin-created (the endpoint cache holds at most 10 000 too), and unknown
 * ids share one key, so this is only reached by a very large fleet; past it, rejections fall into one overflow
 * key per code (the codes are our own, a handful).
 */
export const MAX_KEYS = 2_000;

export interface Rejection {
  endpointId: string;
  provider: string;
  /** Set when the endpoint exists (its tenant); unset for an unknown id or provider segment. */
  tenantId?: string;
  code: string;
  status: number;
  message: string;
  requestId: string;
  remoteAddress?: string;
}

interface Bucket {
  readonly tenantId: string | null;
  /** The endpoint id; null for the shared keys (unknown endpoints, overflow). */
  readonly subject: string | null;
  readonly provider: string | null;
  readonly code: string;
  readonly status: number;
  readonly scope: 'endpoint' | 'unknown-endpoint' | 'overflow';
  /** Sampled rows written this window. */
  written: number;
  /** Rejections counted since the last aggregate row (this interval). */
  suppressed: number;
  firstSuppressedAt: number;
  lastSuppressedAt: number;
}

/**
 * What a rejected webhook leaves behind: an `audit_event` row (action webhook.rejected), sampled and aggregated
 * per endpoint and code (see INDIVIDUAL_PER_WINDOW) so that unauthenticated traffic cannot fill the database.
 * Unknown endpoint ids and provider segments are chosen by whoever sends the request: they never become keys
 * (all of them share one), so random paths cannot grow the map. Nothing from the request's headers or body is
 * stored; path segments only truncated, in the sampled rows.
 *
 * Written in the background in batches, never on the request's path (record() is a map lookup and, for sampled
 * rows, a push); if the database is down the rows are dropped with a warning (the 4xx answer does not depend on
 * them).
 */
@Injectable()
export class RejectionAuditor implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RejectionAuditor.name);
  private pending: NewAuditEvent[] = [];
  private buckets = new Map<string, Bucket>();
  /** The aggregate interval the counts belong to: floor(epoch ms / AGGREGATE_EVERY_MS). A window is 6 of them. */
  private interval = 0;
  private timer?: NodeJS.Timeout;
  private intervalTimer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly audit: AuditEventRepository) {}

  record(rejection: Rejection): void {
    const now = Date.now();
    const interval = Math.floor(now / AGGREGATE_EVERY_MS);
    if (interval !== this.interval) this.closeInterval(interval);
    const bucket = this.bucketFor(rejection);
    if (bucket.written < INDIVIDUAL_PER_WINDOW && this.pending.length < MAX_PENDING) {
      bucket.written++;
      this.pending.push(this.individualRow(rejection, now));
    } else {
      if (bucket.suppressed++ === 0) bucket.firstSuppressedAt = now;
      bucket.lastSuppressedAt = now;
      // The aggregate is written when the interval ends, also if no request comes after it.
      this.armIntervalTimer(now);
    }
    if (this.pending.length >= FLUSH_AT) void this.flush();
    else if (this.pending.length > 0) this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  /** Writes what is pending; with `closeInterval`, the current interval's aggregates too (shutdown, tests). */
  async flush(options: { closeInterval?: boolean } = {}): Promise<void> {
    if (options.closeInterval) this.closeInterval(this.interval);
    await this.flushing;
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.pending;
    this.pending = [];
    if (rows.length === 0) return;
    this.flushing = this.audit.insertMany(rows).catch((error: unknown) => {
      const requests = rows.reduce((sum, row) => sum + ((row.detail as { count?: number } | undefined)?.count ?? 1), 0);
      this.logger.warn({ rows: rows.length, requests, reason: (error as Error).message }, 'webhook rejections not audited: database unavailable');
    });
    await this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.intervalTimer);
    this.intervalTimer = undefined;
    await this.flush({ closeInterval: true });
  }

  private endInterval(): void {
    this.intervalTimer = undefined;
    const now = Date.now();
    const interval = Math.floor(now / AGGREGATE_EVERY_MS);
    // A request may already have rolled the interval over (and counted into the new one): close only a finished one.
    if (interval !== this.interval) this.closeInterval(interval);
    else if ([...this.buckets.values()].some((b) => b.suppressed > 0)) this.armIntervalTimer(now);
    void this.flush();
  }

  private armIntervalTimer(now: number): void {
    this.intervalTimer ??= setTimeout(() => this.endInterval(), (this.interval + 1) * AGGREGATE_EVERY_MS - now + 10).unref();
  }

  /**
   * Queues one aggregate row per key that counted rejections, and moves to interval `next`; when `next` starts a
   * new window (or on shutdown), the keys go too, and sampling starts over.
   */
  private closeInterval(next: number): void {
    for (const bucket of this.buckets.values()) {
      if (bucket.suppressed === 0) continue;
      this.pending.push(aggregateRow(bucket, this.interval));
      bucket.suppressed = 0;
    }
    if (next === this.interval || windowOf(next) !== windowOf(this.interval)) this.buckets = new Map();
    this.interval = next;
  }

  private bucketFor(rejection: Rejection): Bucket {
    const known = rejection.tenantId !== undefined;
    // Unknown endpoints: one key whatever the path, so attacker-chosen segments never become keys.
    const key = known ? `e\u0000${rejection.endpointId}\u0000${rejection.code}` : `u\u0000${rejection.code}`;
    let bucket = this.buckets.get(key);
    if (bucket) return bucket;
    if (this.buckets.size >= MAX_KEYS) {
      const overflow = `o\u0000${rejection.code}`;
      bucket = this.buckets.get(overflow);
      if (bucket) return bucket;
      bucket = newBucket(null, null, null, rejection, 'overflow');
      this.buckets.set(overflow, bucket);
      return bucket;
    }
    bucket = known
      ? newBucket(rejection.tenantId!, storable(rejection.endpointId), storable(rejection.provider), rejection, 'endpoint')
      : newBucket(null, null, null, rejection, 'unknown-endpoint');
    this.buckets.set(key, bucket);
    return bucket;
  }

  private individualRow(rejection: Rejection, now: number): NewAuditEvent {
    return {
      action: 'webhook.rejected',
      actor: 'webhook',
      tenantId: rejection.tenantId ?? null,
      subject: storable(rejection.endpointId),
      outcome: rejection.code,
      detail: {
        count: 1,
        status: rejection.status,
        requestId: rejection.requestId,
        ...(rejection.remoteAddress === undefined ? {} : { remoteAddress: rejection.remoteAddress }),
        provider: storable(rejection.provider),
        message: storable(rejection.message),
      },
      occurredAt: new Date(now),
    };
  }
}

function newBucket(tenantId: string | null, subject: string | null, provider: string | null, rejection: Rejection, scope: Bucket['scope']): Bucket {
  return { tenantId, subject, provider, code: rejection.code, status: rejection.status, scope, written: 0, suppressed: 0, firstSuppressedAt: 0, lastSuppressedAt: 0 };
}

function windowOf(interval: number): number {
  return Math.floor((interval * AGGREGATE_EVERY_MS) / REJECTION_WINDOW_MS);
}

function aggregateRow(bucket: Bucket, interval: number): NewAuditEvent {
  return {
    action: 'webhook.rejected',
    actor: 'webhook',
    tenantId: bucket.tenantId,
    subject: bucket.subject,
    outcome: bucket.code,
    detail: {
      count: bucket.suppressed,
      aggregate: bucket.scope,
      status: bucket.status,
      ...(bucket.provider === null ? {} : { provider: bucket.provider }),
      firstSeenAt: new Date(bucket.firstSuppressedAt).toISOString(),
      lastSeenAt: new Date(bucket.lastSuppressedAt).toISOString(),
      intervalStart: new Date(interval * AGGREGATE_EVERY_MS).toISOString(),
      intervalSeconds: AGGREGATE_EVERY_MS / 1000,
    },
    occurredAt: new Date(bucket.firstSuppressedAt),
  };
}

/**
 * Path segments are attacker-chosen: `%00` decodes to a NUL, which Postgres text refuses, and one such row
 * would fail its whole batch. Bounded length, NUL replaced.
 */
function storable(value: string): string {
  return value.slice(0, 300).replace(/\u0000/g, '\uFFFD');
}
