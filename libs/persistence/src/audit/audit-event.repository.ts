import { Injectable } from '@nestjs/common';
import type { Prisma } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export interface NewAuditEvent {
  action: string;
  actor: string;
  outcome: string;
  tenantId?: string | null;
  subject?: string | null;
  detail?: Prisma.InputJsonValue;
  occurredAt?: Date;
}

/** Audit trail: rejected webhooks, admin changes. Rows are never updated. */
@Injectable()
export class AuditEventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** With `tx`, the audit row commits with the change it describes. */
  async insertMany(rows: readonly NewAuditEvent[], tx?: Tx): Promise<void> {
    if (rows.length === 0) return;
    await (tx ?? this.prisma).auditEvent.createMany({
      data: rows.map((row) => ({
        action: row.action,
        actor: row.actor,
        outcome: row.outcome,
        tenantId: row.tenantId ?? null,
        subject: row.subject ?? null,
        detail: row.detail ?? {},
        ...(row.occurredAt ? { occurredAt: row.occurredAt } : {}),
      })),
    });
  }
}
