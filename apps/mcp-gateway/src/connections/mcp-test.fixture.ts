/**
 * Test-only: the MCP connection types and a tenant's MCP connections, written as the admin API would leave them
 * (a secret sealed by the app's own vault). Not imported by the app.
 */
import { type ConnectionSecret, ConnectionSecretStore, INTEGRATION_TYPES } from '@junction/integrations';
import type { Connection, PrismaService } from '@junction/persistence';
import type { RunningApp } from '@junction/platform';

/** The catalog's rows for every type the tests use (MCP types, and erpnext as a non-MCP type). */
export async function seedIntegrationTypes(prisma: PrismaService): Promise<void> {
  const wanted = INTEGRATION_TYPES.filter((d) => d.slug.startsWith('mcp-') || d.slug === 'erpnext');
  await prisma.integrationType.createMany({
    data: wanted.map((d) => ({ slug: d.slug, name: d.name, kind: d.kind, category: d.category, description: d.description, authMethods: [...d.authMethods], configSchema: d.configSchema as object })),
    skipDuplicates: true,
  });
}

export interface NewTestConnection {
  tenantId: string;
  typeSlug: string;
  name: string;
  config: Record<string, unknown>;
  status?: string;
  isDefault?: boolean;
  /** Sealed with the app's key ring; absent: auth method none. */
  secret?: ConnectionSecret;
}

export async function createConnection(app: RunningApp, prisma: PrismaService, c: NewTestConnection): Promise<Connection> {
  const credentialId = c.secret ? await prisma.transaction((tx) => app.app.get(ConnectionSecretStore).seal(tx, c.tenantId, c.secret!)) : null;
  return prisma.connection.create({
    data: {
      tenantId: c.tenantId,
      typeSlug: c.typeSlug,
      name: c.name,
      authMethod: c.secret?.authMethod ?? 'none',
      config: c.config as object,
      status: c.status ?? 'connected',
      isDefault: c.isDefault ?? false,
      credentialId,
    },
  });
}
