import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AuditEventRepository, type NewAuditEvent } from '@junction/persistence';

const FLUSH_EVERY_MS = 500;
const FLUSH_AT = 200;
/** A flood of bad requests must not become a flood of memory: past this, rows are dropped and counted. */
const MAX_PENDING = 10_000;

export interface Rejection {
  endpointId: string;
  provider: string;
  tenantId?: string;
  code: string;
  status: number;
  message: string;
  requestId: string;
  remoteAddress?: string;
}

/**
 * The one thing a rejected webhook leaves behind: an `audit_event` row (action webhook.rejected). Written in
 * the background in batches, never on the request's path, so rejecting stays cheap under attack; if the
 * database is down the rows are dropped with a warning (the 4xx answer does not depend on them).
 */
@Injectable()
export class RejectionAuditor implements BeforeApplicationShutdown {
  private readonly logger = new Logger(RejectionAuditor.name);
  private pending: NewAuditEvent[] = [];
  private dropped = 0;
  private timer?: NodeJS.Timeout;
  private flushing?: Promise<void>;

  constructor(private readonly audit: AuditEventRepository) {}

  record(rejection: Rejection): void {
    if (this.pending.length >= MAX_PENDING) {
      this.dropped++;
      return;
    }
    const { endpointId, tenantId, code, provider, message, ...detail } = rejection;
    this.pending.push({
      action: 'webhook.rejected',
      actor: 'webhook',
      tenantId: tenantId ?? null,
      subject: storable(endpointId),
      outcome: code,
      detail: { ...detail, provider: storable(provider), message: storable(message) },
      occurredAt: new Date(),
    });
    if (this.pending.length >= FLUSH_AT) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), FLUSH_EVERY_MS).unref();
  }

  async flush(): Promise<void> {
    await this.flushing;
    clearTimeout(this.timer);
    this.timer = undefined;
    const rows = this.pending;
    this.pending = [];
    if (this.dropped > 0) {
      this.logger.warn({ dropped: this.dropped }, 'webhook rejections not audited: too many pending');
      this.dropped = 0;
    }
    if (rows.length === 0) return;
    this.flushing = this.audit.insertMany(rows).catch((error: unknown) => {
      this.logger.warn({ rows: rows.length, reason: (error as Error).message }, 'webhook rejections not audited: database unavailable');
    });
    await this.flushing;
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.flush();
  }
}

/**
 * Path segments are attacker-chosen: `%00` decodes to a NUL, which Postgres text refuses, and one such row
 * would fail its whole batch. Bounded length, NUL replaced.
 */
function storable(value: string): string {
  return value.slice(0, 300).replace(/\u0000/g, '\uFFFD');
}
