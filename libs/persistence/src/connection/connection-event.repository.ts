import { Injectable } from '@nestjs/common';
import type { ConnectionEvent, Prisma } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export interface NewConnectionEvent {
  connectionId: string;
  tenantId: string;
  /** connected | disconnected | tested | error | config_updated | credential_rotated | token_refreshed | reauth_required … */
  type: string;
  /** admin:<api key id> | cli | system | oauth */
  actor: string;
  /** Never a secret. */
  detail?: Prisma.InputJsonValue;
}

/** connection_event: a connection's event log. Rows are never updated. */
@Injectable()
export class ConnectionEventRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** With `tx`, the event commits with the change it describes. */
  async record(event: NewConnectionEvent, tx?: Tx): Promise<void> {
    await (tx ?? this.prisma).connectionEvent.create({
      data: { connectionId: event.connectionId, tenantId: event.tenantId, type: event.type, actor: event.actor, detail: event.detail ?? {} },
    });
  }

  /** The connection's latest event of `type` (scoped to the tenant), or null. */
  latestOfType(tenantId: string, connectionId: string, type: string): Promise<ConnectionEvent | null> {
    return this.prisma.connectionEvent.findFirst({ where: { tenantId, connectionId, type }, orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }] });
  }

  /** Per connection of the tenant, its latest event of `type` (connections without one are absent). */
  latestOfTypePerConnection(tenantId: string, type: string): Promise<ConnectionEvent[]> {
    return this.prisma.connectionEvent.findMany({ where: { tenantId, type }, distinct: ['connectionId'], orderBy: [{ connectionId: 'asc' }, { occurredAt: 'desc' }, { id: 'desc' }] });
  }

  /** Newest first, scoped to the tenant. */
  list(tenantId: string, connectionId: string, options: { limit: number; before?: Date }): Promise<ConnectionEvent[]> {
    return this.prisma.connectionEvent.findMany({
      where: { tenantId, connectionId, ...(options.before ? { occurredAt: { lt: options.before } } : {}) },
      orderBy: [{ occurredAt: 'desc' }, { id: 'desc' }],
      take: options.limit,
    });
  }
}
