import { Injectable } from '@nestjs/common';
import type { IntegrationType, Prisma } from '../generated/prisma/client';
import { PrismaService } from '../prisma/prisma.service';

export interface IntegrationTypeRow {
  slug: string;
  name: string;
  kind: string;
  category: string;
  description: string;
  authMethods: readonly string[];
  configSchema: Prisma.InputJsonValue;
}

export interface IntegrationTypeFilter {
  /** Case-insensitive substring of slug, name, description or category. */
  q?: string;
  kind?: string;
  category?: string;
  /** Types code no longer declares are kept (connections reference them) but hidden unless asked for. */
  includeInactive?: boolean;
}

/** integration_type: the catalog as code declared it at start. */
@Injectable()
export class IntegrationTypeRepository {
  constructor(private readonly prisma: PrismaService) {}

  /**
   * Upserts every declared type as active and marks the others inactive, in one transaction: replicas starting
   * together converge on the same rows. Returns the slugs that became inactive.
   */
  async sync(rows: readonly IntegrationTypeRow[]): Promise<string[]> {
    return this.prisma.transaction(async (tx) => {
      // Two replicas upserting the same new slug at once would both insert; one waits for the other instead.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('integration-type-sync'))`;
      for (const row of rows) {
        const data = { name: row.name, kind: row.kind, category: row.category, description: row.description, authMethods: [...row.authMethods], configSchema: row.configSchema, active: true };
        await tx.integrationType.upsert({ where: { slug: row.slug }, create: { slug: row.slug, ...data }, update: data });
      }
      const stale = await tx.integrationType.findMany({ where: { active: true, slug: { notIn: rows.map((r) => r.slug) } }, select: { slug: true } });
      if (stale.length > 0) await tx.integrationType.updateMany({ where: { slug: { in: stale.map((s) => s.slug) } }, data: { active: false } });
      return stale.map((s) => s.slug);
    });
  }

  search(filter: IntegrationTypeFilter = {}): Promise<IntegrationType[]> {
    const q = filter.q?.trim();
    const text = q ? { contains: q, mode: 'insensitive' as const } : undefined;
    return this.prisma.integrationType.findMany({
      where: {
        ...(filter.includeInactive ? {} : { active: true }),
        ...(filter.kind ? { kind: filter.kind } : {}),
        ...(filter.category ? { category: { equals: filter.category, mode: 'insensitive' } } : {}),
        ...(text ? { OR: [{ slug: text }, { name: text }, { description: text }, { category: text }] } : {}),
      },
      orderBy: [{ kind: 'asc' }, { category: 'asc' }, { slug: 'asc' }],
    });
  }

  findBySlug(slug: string): Promise<IntegrationType | null> {
    return this.prisma.integrationType.findUnique({ where: { slug } });
  }
}
