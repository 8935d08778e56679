import { Injectable } from '@nestjs/common';
import { PrismaService, type Tx } from '../prisma/prisma.service';

/** A credential row as written: the sealed secret (see CredentialVault), never its plaintext. */
export interface NewCredentialRow {
  id: string;
  tenantId: string;
  purpose: string;
  ciphertext: Uint8Array;
  iv: Uint8Array;
  tag: Uint8Array;
  wrappedKey: Uint8Array;
  keyId: string;
  expiresAt?: Date | null;
}

/** credential: encrypted secrets. Only CredentialService (libs/security) seals and opens them. */
@Injectable()
export class CredentialRepository {
  constructor(private readonly prisma: PrismaService) {}

  async insert(tx: Tx, row: NewCredentialRow): Promise<void> {
    await tx.credential.create({
      data: {
        id: row.id,
        tenantId: row.tenantId,
        purpose: row.purpose,
        ciphertext: bytes(row.ciphertext),
        iv: bytes(row.iv),
        tag: bytes(row.tag),
        wrappedKey: bytes(row.wrappedKey),
        keyId: row.keyId,
        expiresAt: row.expiresAt ?? null,
      },
    });
  }

  findById(id: string, tx?: Tx) {
    return (tx ?? this.prisma).credential.findUnique({ where: { id } });
  }

  /** Rows whose data key is wrapped by another KEK than `activeKeyId`, by id after `afterId` (keyset paging). */
  findNotWrappedBy(activeKeyId: string, limit: number, afterId?: string) {
    return this.prisma.credential.findMany({
      where: { keyId: { not: activeKeyId }, ...(afterId ? { id: { gt: afterId } } : {}) },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  countWrappedBy(keyId: string): Promise<number> {
    return this.prisma.credential.count({ where: { keyId } });
  }

  /**
   * Stores a re-wrapped data key, only if the row is still wrapped by `fromKeyId` (compare-and-set: two rewrap
   * runs at once never overwrite each other's work). True when this call changed the row.
   */
  async replaceWrappedKey(id: string, fromKeyId: string, next: { wrappedKey: Uint8Array; keyId: string; rotatedAt: Date }): Promise<boolean> {
    const { count } = await this.prisma.credential.updateMany({
      where: { id, keyId: fromKeyId },
      data: { wrappedKey: bytes(next.wrappedKey), keyId: next.keyId, rotatedAt: next.rotatedAt },
    });
    return count === 1;
  }
}

/** Prisma's Bytes is Uint8Array<ArrayBuffer>; a Buffer may sit on a shared (pooled) ArrayBuffer, so copy. */
function bytes(value: Uint8Array): Uint8Array<ArrayBuffer> {
  return new Uint8Array(value);
}
