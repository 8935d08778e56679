import { Injectable } from '@nestjs/common';
import { type Connection, Prisma } from '../generated/prisma/client';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export interface NewConnectionRow {
  tenantId: string;
  typeSlug: string;
  name: string;
  authMethod: string;
  config: Prisma.InputJsonObject;
  isDefault: boolean;
  credentialId: string | null;
}

const WITH_CREDENTIAL_EXPIRY = { credential: { select: { expiresAt: true } } } as const;

/** A connection with its credential's expiry (never the sealed secret). */
export type ConnectionWithCredential = Connection & { credential: { expiresAt: Date | null } | null };

export interface ConnectionFilter {
  typeSlug?: string;
  status?: string;
}

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

  /** The tenant's default connection of a type (workers use it when a command names none), or null. */
  findDefault(tenantId: string, typeSlug: string, tx?: Tx): Promise<Connection | null> {
    return (tx ?? this.prisma).connection.findFirst({ where: { tenantId, typeSlug, isDefault: true } });
  }

  /** By the tenant's name for it (names are unique per tenant). */
  findByName(tenantId: string, name: string, tx?: Tx): Promise<Connection | null> {
    return (tx ?? this.prisma).connection.findUnique({ where: { tenantId_name: { tenantId, name } } });
  }

  /** Sets status (and lastError: null clears it). */
  async setStatus(tx: Tx, id: string, status: string, lastError: { code: string; message: string } | null, extra: Prisma.ConnectionUpdateInput = {}): Promise<Connection> {
    return tx.connection.update({ where: { id }, data: { status, lastError: lastError ?? Prisma.DbNull, ...extra } });
  }

  /** The tenant's connections, oldest first, with their credential's expiry (for views). */
  listForTenant(tenantId: string, filter: ConnectionFilter = {}): Promise<ConnectionWithCredential[]> {
    return this.prisma.connection.findMany({
      where: { tenantId, ...(filter.typeSlug ? { typeSlug: filter.typeSlug } : {}), ...(filter.status ? { status: filter.status } : {}) },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      include: WITH_CREDENTIAL_EXPIRY,
    });
  }

  /** findInTenant with the credential's expiry (for views). */
  findViewInTenant(tenantId: string, id: string, tx?: Tx): Promise<ConnectionWithCredential | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return (tx ?? this.prisma).connection.findFirst({ where: { id, tenantId }, include: WITH_CREDENTIAL_EXPIRY });
  }

  /** findInTenant holding the row lock until the transaction ends: changes to one connection run one at a time. */
  async lockInTenant(tx: Tx, tenantId: string, id: string): Promise<Connection | null> {
    if (!isUuid(id)) return null;
    const locked = await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM connection WHERE id = ${id}::uuid AND "tenantId" = ${tenantId} FOR UPDATE`;
    return locked.length === 0 ? null : tx.connection.findUnique({ where: { id } });
  }

  /**
   * Serializes changes to one tenant's connections of one type until the transaction ends: "the first one becomes
   * the default" and "moving the default" read then write, and two at once would both pass the read (the partial
   * unique index connection_one_default_per_type would then fail one of them with an opaque error).
   */
  async lockTenantType(tx: Tx, tenantId: string, typeSlug: string): Promise<void> {
    // Length-prefixed: no tenant id and slug pair spells another's key.
    const key = `connection-default:${tenantId.length}:${tenantId}:${typeSlug}`;
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`;
  }

  countOfType(tx: Tx, tenantId: string, typeSlug: string): Promise<number> {
    return tx.connection.count({ where: { tenantId, typeSlug } });
  }

  async nameTaken(tx: Tx, tenantId: string, name: string, exceptId?: string): Promise<boolean> {
    return (await tx.connection.count({ where: { tenantId, name, ...(exceptId ? { id: { not: exceptId } } : {}) } })) > 0;
  }

  /** Clears the default flag of the tenant's other connections of the type (before setting it on `exceptId`). */
  async clearDefault(tx: Tx, tenantId: string, typeSlug: string, exceptId?: string): Promise<void> {
    await tx.connection.updateMany({ where: { tenantId, typeSlug, isDefault: true, ...(exceptId ? { id: { not: exceptId } } : {}) }, data: { isDefault: false } });
  }

  insert(tx: Tx, row: NewConnectionRow): Promise<Connection> {
    return tx.connection.create({ data: { ...row, status: 'configuring' } });
  }

  update(tx: Tx, id: string, data: Prisma.ConnectionUncheckedUpdateInput): Promise<Connection> {
    return tx.connection.update({ where: { id }, data });
  }

  /** Whether OAuth tokens are stored for the connection (it has been authorized and not revoked since). */
  async hasOAuthToken(id: string, tx?: Tx): Promise<boolean> {
    return (await (tx ?? this.prisma).oAuthToken.count({ where: { connectionId: id } })) > 0;
  }

  /**
   * Deletes the connection with every secret it holds: its credential row, its OAuth tokens' row and any pending
   * authorization's PKCE verifier. Events, health rows, tokens and states go by cascade.
   */
  async deleteWithSecrets(tx: Tx, id: string): Promise<void> {
    const row = await tx.connection.findUniqueOrThrow({
      where: { id },
      select: { credentialId: true, oauthToken: { select: { credentialId: true } }, oauthStates: { select: { credentialId: true } } },
    });
    const credentialIds = [row.credentialId, row.oauthToken?.credentialId, ...row.oauthStates.map((s) => s.credentialId)].filter((c): c is string => Boolean(c));
    await tx.connection.delete({ where: { id } });
    await this.deleteCredentials(tx, credentialIds);
  }

  /** Deletes credential rows no longer referenced (a replaced connection secret). */
  async deleteCredentials(tx: Tx, ids: readonly string[]): Promise<void> {
    if (ids.length > 0) await tx.credential.deleteMany({ where: { id: { in: [...ids] } } });
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A malformed id is simply not found (Postgres would reject it as a uuid with an error instead). */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}
