import { Injectable } from '@nestjs/common';
import { type Connection, Prisma } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

/** connection: a tenant's accounts at providers. Every read that serves a caller is scoped by tenantId. */
@Injectable()
export class ConnectionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The tenant's connection, or null (also when it is another tenant's: callers answer 404 either way). */
  findInTenant(tenantId: string, id: string, tx?: Tx): Promise<Connection | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return (tx ?? this.prisma).connection.findFirst({ where: { id, tenantId } });
  }

  /** By id alone: for system work that already holds a trusted id (token refresh, workers after resolving). */
  findById(id: string, tx?: Tx): Promise<Connection | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return (tx ?? this.prisma).connection.findUnique({ where: { id } });
  }

  /** Sets status (and lastError: null clears it). */
  async setStatus(tx: Tx, id: string, status: string, lastError: { code: string; message: string } | null, extra: Prisma.ConnectionUpdateInput = {}): Promise<Connection> {
    return tx.connection.update({ where: { id }, data: { status, lastError: lastError ?? Prisma.DbNull, ...extra } });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id is simply not found (Postgres would reject it as a uuid with an error instead). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
