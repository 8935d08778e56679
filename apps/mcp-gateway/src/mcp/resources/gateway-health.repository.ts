import { Injectable } from '@nestjs/common';
import { PrismaService } from '@junction/persistence';

export interface ConnectionStatusView {
  id: string;
  name: string;
  type: string;
  status: string;
  isDefault: boolean;
  lastTestedAt: string | null;
  lastError: unknown;
  lastHealthCheck: { ok: boolean; latencyMs: number; errorClass: string | null; checkedAt: string } | null;
}

/** The tenant's connections and each one's latest health check, without config or credentials. */
@Injectable()
export class GatewayHealthRepository {
  constructor(private readonly prisma: PrismaService) {}

  async connections(tenantId: string): Promise<ConnectionStatusView[]> {
    const rows = await this.prisma.connection.findMany({
      where: { tenantId },
      orderBy: [{ typeSlug: 'asc' }, { name: 'asc' }],
      select: {
        id: true,
        name: true,
        typeSlug: true,
        status: true,
        isDefault: true,
        lastTestedAt: true,
        lastError: true,
        healthChecks: { orderBy: { checkedAt: 'desc' }, take: 1, select: { ok: true, latencyMs: true, errorClass: true, checkedAt: true } },
      },
    });
    return rows.map((r) => {
      const check = r.healthChecks[0];
      return {
        id: r.id,
        name: r.name,
        type: r.typeSlug,
        status: r.status,
        isDefault: r.isDefault,
        lastTestedAt: r.lastTestedAt?.toISOString() ?? null,
        lastError: r.lastError,
        lastHealthCheck: check ? { ok: check.ok, latencyMs: check.latencyMs, errorClass: check.errorClass, checkedAt: check.checkedAt.toISOString() } : null,
      };
    });
  }
}
