import { Injectable } from '@nestjs/common';
import { type AlertChannel, type Credential, isUuid, PrismaService, type Tx } from '@junction/persistence';

export interface NewAlertChannelRow {
  tenantId: string;
  name: string;
  kind: 'webhook' | 'slack';
  url: string | null;
  credentialId: string;
  enabled: boolean;
}

/** The unique (tenantId, name) violated: the whole transaction is rolled back, the caller answers 409. */
export function isNameTaken(error: unknown): boolean {
  return (error as { code?: unknown } | undefined)?.code === 'P2002';
}

/** alert_channel, and the credential row each channel owns (sealed by CredentialService, deleted with the channel). */
@Injectable()
export class AlertChannelRepository {
  constructor(private readonly prisma: PrismaService) {}

  transaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
    return this.prisma.transaction(fn);
  }

  /** Throws Prisma's P2002 when the tenant already has a channel of that name (see isNameTaken). */
  insert(tx: Tx, row: NewAlertChannelRow): Promise<AlertChannel> {
    return tx.alertChannel.create({ data: row });
  }

  findByName(tenantId: string, name: string): Promise<AlertChannel | null> {
    return this.prisma.alertChannel.findUnique({ where: { tenantId_name: { tenantId, name } } });
  }

  list(tenantId: string): Promise<AlertChannel[]> {
    return this.prisma.alertChannel.findMany({ where: { tenantId }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  }

  find(tenantId: string, id: string): Promise<AlertChannel | null> {
    if (!isUuid(id)) return Promise.resolve(null);
    return this.prisma.alertChannel.findFirst({ where: { id, tenantId } });
  }

  /** Deletes the channel (its deliveries cascade) and its credential; null when the tenant has no such channel. */
  async delete(tx: Tx, tenantId: string, id: string): Promise<AlertChannel | null> {
    if (!isUuid(id)) return null;
    const channel = await tx.alertChannel.findFirst({ where: { id, tenantId } });
    if (!channel) return null;
    await tx.alertChannel.delete({ where: { id } });
    if (channel.credentialId) await tx.credential.deleteMany({ where: { id: channel.credentialId, tenantId } });
    return channel;
  }

  /** The sealed credentials of `ids` (for CredentialService.reveal), by id. */
  async credentials(ids: readonly string[]): Promise<Map<string, Credential>> {
    if (ids.length === 0) return new Map();
    const rows = await this.prisma.credential.findMany({ where: { id: { in: [...new Set(ids)] } } });
    return new Map(rows.map((r) => [r.id, r]));
  }
}
