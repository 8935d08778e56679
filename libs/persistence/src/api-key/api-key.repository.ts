import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from '../prisma/prisma.service';

export interface NewApiKeyRow {
  id: string;
  tenantId: string;
  name: string;
  /** sha256 of the whole key; the key itself is never stored. */
  hash: Uint8Array;
  scopes: string[];
  /** mcp-gateway's tool allowlist (globs); empty or absent = every tool. */
  mcpTools?: string[];
}

/** api_key: hashed API keys, scoped to a tenant. */
@Injectable()
export class ApiKeyRepository {
  constructor(private readonly prisma: PrismaService) {}

  insert(tx: Tx, row: NewApiKeyRow) {
    return tx.apiKey.create({ data: { ...row, hash: new Uint8Array(row.hash), scopes: [...row.scopes], mcpTools: [...(row.mcpTools ?? [])] } });
  }

  findById(id: string, tx?: Tx) {
    return (tx ?? this.prisma).apiKey.findUnique({ where: { id } });
  }

  /** Oldest first. Revoked keys are listed too (with revokedAt). */
  listForTenant(tenantId: string) {
    return this.prisma.apiKey.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  /** Changes name, scopes and hash of a key of `tenantId`; revokedAt is left as it is. */
  update(tx: Tx, tenantId: string, id: string, changes: { name?: string; scopes?: string[]; hash?: Uint8Array }) {
    return tx.apiKey.update({
      where: { id, tenantId },
      data: { name: changes.name, scopes: changes.scopes ? [...changes.scopes] : undefined, hash: changes.hash ? new Uint8Array(changes.hash) : undefined },
    });
  }

  /** Sets revokedAt on a key of `tenantId` that is not revoked yet. True when this call revoked it. */
  async revoke(tx: Tx, tenantId: string, id: string, at: Date): Promise<boolean> {
    const { count } = await tx.apiKey.updateMany({ where: { id, tenantId, revokedAt: null }, data: { revokedAt: at } });
    return count === 1;
  }

  /** Records a use, unless one at or after `notBefore` is already recorded (keeps writes to one a minute). */
  async touchLastUsed(id: string, at: Date, notBefore: Date): Promise<void> {
    await this.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lt: notBefore } }] },
      data: { lastUsedAt: at },
    });
  }
}
