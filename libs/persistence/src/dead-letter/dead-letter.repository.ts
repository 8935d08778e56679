import { Injectable } from '@nestjs/common';
import type { DeadLetter, Prisma } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export interface NewDeadLetterRow {
  messageId: string;
  topic: string;
  subscription: string;
  type: string;
  reason: string;
  description: string;
  deliveryCount: number;
  rawBody: string;
  headers: Prisma.InputJsonValue;
  deadLetteredAt?: Date;
  /** The envelope's tenant; when omitted it is read from rawBody (null when that is not an envelope naming one). */
  tenantId?: string | null;
}

/** Which rows an operator means: every field narrows; `state` open = not redriven yet. */
export interface DeadLetterFilter {
  topic?: string;
  subscription?: string;
  type?: string;
  reason?: string;
  /** Dead-lettered at or after. */
  since?: Date;
  state?: 'open' | 'redriven' | 'any';
  /** Exactly these rows (still narrowed by the other fields). */
  ids?: readonly string[];
  /** The stored body holds this text. */
  bodyContains?: string;
  /**
   * One tenant's rows: tenantId, or for rows mirrored before the column existed (tenantId null) the body holding
   * this marker text (the tenant's envelope field as JSON.stringify writes it).
   */
  tenant?: { tenantId: string; bodyMarker: string };
}

export interface DeadLetterQuery extends DeadLetterFilter {
  limit: number;
  offset?: number;
}

/** Mirror of dead-lettered messages, for inspection and redrive when the broker cannot list them. */
@Injectable()
export class DeadLetterRepository {
  constructor(private readonly prisma: PrismaService) {}

  record(row: NewDeadLetterRow, tx: Tx = this.prisma): Promise<DeadLetter> {
    return tx.deadLetter.create({ data: { ...row, tenantId: row.tenantId === undefined ? tenantIdOf(row.rawBody) : row.tenantId } });
  }

  /** Newest first. */
  list(query: DeadLetterQuery): Promise<DeadLetter[]> {
    return this.prisma.deadLetter.findMany({
      where: whereOf(query),
      orderBy: [{ deadLetteredAt: 'desc' }, { id: 'asc' }],
      take: query.limit,
      skip: query.offset ?? 0,
    });
  }

  count(filter: DeadLetterFilter): Promise<number> {
    return this.prisma.deadLetter.count({ where: whereOf(filter) });
  }

  find(id: string): Promise<DeadLetter | null> {
    return this.prisma.deadLetter.findUnique({ where: { id } });
  }

  /** Oldest first, so a redrive republishes in the order things failed. */
  select(filter: DeadLetterFilter, limit: number): Promise<DeadLetter[]> {
    return this.prisma.deadLetter.findMany({ where: whereOf(filter), orderBy: [{ deadLetteredAt: 'asc' }, { id: 'asc' }], take: limit });
  }

  /**
   * Marks every still-open row of these messages (subscription + message id) redriven: a message dead-lettered
   * twice has two rows, and one republish answers both. Returns the rows marked.
   */
  async markRedriven(keys: readonly { subscription: string; messageId: string }[], at: Date, tx: Tx = this.prisma): Promise<number> {
    if (keys.length === 0) return 0;
    const { count } = await tx.deadLetter.updateMany({
      where: { redrivenAt: null, OR: keys.map((k) => ({ subscription: k.subscription, messageId: k.messageId })) },
      data: { redrivenAt: at },
    });
    return count;
  }

  /** Which of these messages already have a row not yet redriven for the subscription. */
  async openMessageIds(subscription: string, messageIds: readonly string[]): Promise<Set<string>> {
    if (messageIds.length === 0) return new Set();
    const rows = await this.prisma.deadLetter.findMany({ where: { subscription, redrivenAt: null, messageId: { in: [...messageIds] } }, select: { messageId: true } });
    return new Set(rows.map((r) => r.messageId));
  }

  async delete(ids: readonly string[], tx: Tx = this.prisma): Promise<number> {
    if (ids.length === 0) return 0;
    const { count } = await tx.deadLetter.deleteMany({ where: { id: { in: [...ids] } } });
    return count;
  }
}

function whereOf(filter: DeadLetterFilter): Prisma.DeadLetterWhereInput {
  const where: Prisma.DeadLetterWhereInput = {};
  if (filter.topic !== undefined) where.topic = filter.topic;
  if (filter.subscription !== undefined) where.subscription = filter.subscription;
  if (filter.type !== undefined) where.type = filter.type;
  if (filter.reason !== undefined) where.reason = filter.reason;
  if (filter.since !== undefined) where.deadLetteredAt = { gte: filter.since };
  if (filter.state === 'open') where.redrivenAt = null;
  if (filter.state === 'redriven') where.redrivenAt = { not: null };
  if (filter.ids !== undefined) where.id = { in: [...filter.ids] };
  if (filter.bodyContains !== undefined) where.rawBody = { contains: filter.bodyContains };
  if (filter.tenant !== undefined) {
    where.OR = [{ tenantId: filter.tenant.tenantId }, { tenantId: null, rawBody: { contains: filter.tenant.bodyMarker } }];
  }
  return where;
}

/** The envelope's tenantId, when the body parses as a JSON object with a non-empty string tenantId (else null). */
export function tenantIdOf(rawBody: string): string | null {
  try {
    const body: unknown = JSON.parse(rawBody);
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return null;
    const tenantId = (body as { tenantId?: unknown }).tenantId;
    return typeof tenantId === 'string' && tenantId.length > 0 && tenantId.length <= 200 ? tenantId : null;
  } catch {
    return null;
  }
}
