import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { isUuid, PrismaService, type BatchFile } from '@junction/persistence';

export interface NewBatchFile {
  readonly tenantId: string;
  readonly name: string;
  readonly contentType?: string;
  readonly bytes: Uint8Array;
  /** A deterministic id (an export's, from its run): writing it again replaces the file instead of adding one. */
  readonly id?: string;
}

export type BatchFileInfo = Omit<BatchFile, 'bytes'>;

const INFO = { id: true, tenantId: true, name: true, contentType: true, size: true, sha256: true, createdAt: true } as const;

/** CSV files of batch runs (uploads to import, exports), in Postgres so every replica and a resumed run can read them. */
@Injectable()
export class BatchFileRepository {
  constructor(private readonly prisma: PrismaService) {}

  async save(file: NewBatchFile): Promise<BatchFileInfo> {
    const bytes = Buffer.from(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
    const data = {
      tenantId: file.tenantId,
      name: file.name,
      contentType: file.contentType ?? 'text/csv',
      bytes: new Uint8Array(bytes),
      size: bytes.byteLength,
      sha256: createHash('sha256').update(bytes).digest('hex'),
    };
    if (!file.id) return this.prisma.batchFile.create({ data, select: INFO });
    return this.prisma.batchFile.upsert({ where: { id: file.id }, create: { id: file.id, ...data }, update: data, select: INFO });
  }

  /** With its bytes; null when there is no such file in this tenant (another tenant's id is "not found" too). */
  findInTenant(tenantId: string, id: string): Promise<BatchFile | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.prisma.batchFile.findFirst({ where: { id, tenantId } });
  }

  infoInTenant(tenantId: string, id: string): Promise<BatchFileInfo | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.prisma.batchFile.findFirst({ where: { id, tenantId }, select: INFO });
  }
}
