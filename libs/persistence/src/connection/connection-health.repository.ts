import { Injectable } from '@nestjs/common';
import type { ConnectionHealth } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export interface NewConnectionHealth {
  connectionId: string;
  tenantId: string;
  ok: boolean;
  latencyMs: number;
  errorClass: string | null;
  /** Never a secret nor a response body. */
  message: string | null;
  capabilities: readonly string[];
  checkedAt?: Date;
}

/** connection_health: one row per connection test. */
@Injectable()
export class ConnectionHealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async record(row: NewConnectionHealth, tx?: Tx): Promise<void> {
    await (tx ?? this.prisma).connectionHealth.create({
      data: {
        connectionId: row.connectionId,
        tenantId: row.tenantId,
        ok: row.ok,
        latencyMs: Math.max(0, Math.round(row.latencyMs)),
        errorClass: row.errorClass,
        message: row.message,
        capabilities: [...row.capabilities],
        ...(row.checkedAt ? { checkedAt: row.checkedAt } : {}),
      },
    });
  }

  /** Newest first, scoped to the tenant. */
  list(tenantId: string, connectionId: string, options: { limit: number; before?: Date }): Promise<ConnectionHealth[]> {
    return this.prisma.connectionHealth.findMany({
      where: { tenantId, connectionId, ...(options.before ? { checkedAt: { lt: options.before } } : {}) },
      orderBy: [{ checkedAt: 'desc' }, { id: 'desc' }],
      take: options.limit,
    });
  }
}
