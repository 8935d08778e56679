import { Injectable } from '@nestjs/common';
import { type Connection, isUuid, PrismaService } from '@junction/persistence';

/** The catalog's MCP server types (libs/integrations): the connections mcp-gateway calls tools on. */
export const MCP_CONNECTION_TYPES = ['mcp-stdio', 'mcp-http', 'mcp-sse'] as const;

/** Statuses whose connection cannot be called: the resolver refuses them (CONNECTION_DISCONNECTED, REAUTH_REQUIRED). */
const UNCALLABLE = ['disconnected', 'reauth_required'];

/** A tenant's MCP connections (mcp-stdio, mcp-http, mcp-sse), as mcp-gateway looks them up. Tenant-scoped reads only. */
@Injectable()
export class McpConnectionRepository {
  constructor(private readonly prisma: PrismaService) {}

  /** The tenant's connection with this id if it is an MCP one, else null (another tenant's, another type, unknown). */
  async findInTenant(tenantId: string, id: string): Promise<Connection | null> {
    if (!isUuid(id)) return null;
    return this.prisma.connection.findFirst({ where: { id, tenantId, typeSlug: { in: [...MCP_CONNECTION_TYPES] } } });
  }

  /** The tenant's default connection of each MCP type (at most one per type), oldest first. */
  defaults(tenantId: string): Promise<Connection[]> {
    return this.prisma.connection.findMany({
      where: { tenantId, typeSlug: { in: [...MCP_CONNECTION_TYPES] }, isDefault: true },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }

  /** The tenant's MCP connections that can be called (any status but disconnected and reauth_required), oldest first. */
  callable(tenantId: string): Promise<Connection[]> {
    return this.prisma.connection.findMany({
      where: { tenantId, typeSlug: { in: [...MCP_CONNECTION_TYPES] }, status: { notIn: UNCALLABLE } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
  }
}
