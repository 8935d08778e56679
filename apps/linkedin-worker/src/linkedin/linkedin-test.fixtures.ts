/** Test fixtures of linkedin-worker's int-specs: one "replica" = one Nest module on the shared test database. */
import { Test, type TestingModule } from '@nestjs/testing';
import { LINKEDIN_SANDBOX_CLIENT, type LinkedInPort, type LinkedInSandbox } from '@junction/connectors/linkedin';
import { ConnectionResolver, ConnectionSecretStore, IntegrationCatalog, IntegrationsModule, OAuthFlowService } from '@junction/integrations';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule, PrismaService } from '@junction/persistence';
import { ResilienceModule } from '@junction/platform';
import type { PolicyOverride } from '@junction/resilience';
import { SecurityModule } from '@junction/security';
import { GetAnalyticsHandler } from '../analytics/usecases/get-analytics/get-analytics.handler';
import { GetOrganizationProfileHandler } from '../organizations/usecases/get-organization-profile/get-organization-profile.handler';
import { VerifyEmployeeHandler } from '../organizations/usecases/verify-employee/verify-employee.handler';
import { VerifyOrganizationHandler } from '../organizations/usecases/verify-organization/verify-organization.handler';
import { PostPublisher } from '../posts/post-publisher';
import { PublishPostHandler } from '../posts/usecases/publish-post/publish-post.handler';
import { ShareArticleHandler } from '../posts/usecases/share-article/share-article.handler';
import { LinkedInCalls } from './linkedin-calls';
import { LinkedInConnections, type LinkedInMcpOptions } from './linkedin-connections';

export const HANDLERS = [VerifyOrganizationHandler, VerifyEmployeeHandler, GetOrganizationProfileHandler, PublishPostHandler, ShareArticleHandler, GetAnalyticsHandler];

export interface ReplicaOptions {
  databaseUrl: string;
  bus?: MemoryTransport;
  /** With a kek: connections (IntegrationsModule, OAuth). */
  kek?: string;
  /** Without a kek: every command on this client (the sandbox fallback). */
  client?: LinkedInPort;
  /** With a kek: `transport: mcp` connections are served (their McpClient pool is the caller's to close). */
  mcp?: LinkedInMcpOptions;
  /** Each LinkedIn call's budget (default 3 s); a stdio MCP server's first call includes its start. */
  timeoutMs?: number;
  organizationId?: number;
  overrides?: Record<string, PolicyOverride>;
}

/** The worker's use cases on real Postgres and a memory bus, with connections (kek) or one fixed client. */
export async function linkedinReplica(options: ReplicaOptions): Promise<TestingModule> {
  const connections = options.kek
    ? {
        provide: LinkedInConnections,
        inject: [ConnectionResolver],
        useFactory: (resolver: ConnectionResolver) => new LinkedInConnections({ fallback: { kind: 'none' }, timeoutMs: options.timeoutMs ?? 3_000, resolver, mcp: options.mcp }),
      }
    : { provide: LinkedInConnections, useValue: new LinkedInConnections({ fallback: { kind: 'sandbox', client: { client: options.client!, organizationId: options.organizationId } }, timeoutMs: 3_000 }) };
  const moduleRef = await Test.createTestingModule({
    imports: [
      PersistenceModule.forRoot({ databaseUrl: options.databaseUrl, poolMax: 5 }),
      MessagingModule.forRoot({ bus: options.bus ?? new MemoryTransport(), consumer: 'linkedin-worker', relay: false }),
      ResilienceModule.forRoot({ tenantId: 'tenant-a', overrides: options.overrides }),
      ...(options.kek
        ? [SecurityModule.forRoot({ kek: options.kek }), IntegrationsModule.forRoot({
              mcpStdioCommands: options.mcp?.stdioCommands,
              oauth: { refreshWaitMs: 10_000, refreshPollMs: 20, refreshLeaseMs: 5_000, providerTimeoutMs: 3_000 },
            })]
        : []),
    ],
    providers: [connections, LinkedInCalls, PostPublisher, ...HANDLERS],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

/**
 * A LinkedIn oauth2 connection pointed at the sandbox, authorized through the real flow (authorize → the sandbox's
 * consent redirect → callback → sealed tokens), as the tenant's default.
 */
export async function authorizedConnection(moduleRef: TestingModule, sandbox: LinkedInSandbox, options: { tenantId?: string; organizationId?: number } = {}): Promise<string> {
  const tenantId = options.tenantId ?? 'tenant-a';
  const prisma = moduleRef.get(PrismaService);
  await moduleRef.get(IntegrationCatalog).ensureSynced();
  const id = await prisma.transaction(async (tx) => {
    const credentialId = await moduleRef.get(ConnectionSecretStore).seal(tx, tenantId, { authMethod: 'oauth2', clientId: LINKEDIN_SANDBOX_CLIENT.id, clientSecret: LINKEDIN_SANDBOX_CLIENT.secret });
    const config = {
      apiBaseUrl: sandbox.url,
      version: sandbox.latestVersion,
      organizationUrn: `urn:li:organization:${options.organizationId ?? 1001}`,
      oauth: { authorizationEndpoint: `${sandbox.url}/oauth/v2/authorization`, tokenEndpoint: `${sandbox.url}/oauth/v2/accessToken`, revocationEndpoint: `${sandbox.url}/oauth/v2/revoke` },
    };
    const row = await tx.connection.create({ data: { tenantId, typeSlug: 'linkedin', name: `linkedin-${Math.random().toString(36).slice(2)}`, authMethod: 'oauth2', config, credentialId, isDefault: true } });
    return row.id;
  });
  const flow = moduleRef.get(OAuthFlowService);
  const { authorizationUrl } = await flow.authorize({ tenantId, actor: 'test' }, id);
  const consent = await fetch(authorizationUrl, { redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  await flow.callback(Object.fromEntries(back.searchParams));
  return id;
}
