import { Global, Module } from '@nestjs/common';
import { Test, type TestingModule } from '@nestjs/testing';
import type { LinkedInSandbox } from '@junction/connectors/linkedin';
import { LINKEDIN_SANDBOX_CLIENT } from '@junction/connectors/linkedin';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { type PrismaService, PersistenceModule } from '@junction/persistence';
import { SecurityModule } from '@junction/security';
import { ConnectionSecretStore } from '../connections/connection-secret.store';
import { OAUTH_OPTIONS, type OAuthOptions } from './oauth.options';
import { OAUTH_PROVIDERS } from './oauth.providers';

/**
 * Test fixtures of the OAuth tests (not exported from the lib): one "replica" = a Nest module with its own
 * PrismaService (own pg pool), the OAuth providers and a memory bus; LinkedIn connections pointed at a sandbox.
 */
export async function oauthReplica(databaseUrl: string, kek: string, options: OAuthOptions = {}): Promise<TestingModule> {
  @Global()
  @Module({ providers: [ConnectionSecretStore, ...OAUTH_PROVIDERS, { provide: OAUTH_OPTIONS, useValue: options }], exports: [ConnectionSecretStore, ...OAUTH_PROVIDERS] })
  class OAuthUnderTest {}
  const moduleRef = await Test.createTestingModule({
    imports: [
      PersistenceModule.forRoot({ databaseUrl, poolMax: 5 }),
      SecurityModule.forRoot({ kek }),
      MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'oauth-test', relay: false }),
      OAuthUnderTest,
    ],
  }).compile();
  await moduleRef.init();
  return moduleRef;
}

/** The catalog row a connection references (the catalog itself is not under test here). */
export async function seedLinkedInType(prisma: PrismaService): Promise<void> {
  await prisma.integrationType.upsert({
    where: { slug: 'linkedin' },
    update: {},
    create: { slug: 'linkedin', name: 'LinkedIn', kind: 'vendor', category: 'social', description: 'LinkedIn Marketing API', authMethods: ['oauth2', 'bearer'], configSchema: {} },
  });
}

/** A LinkedIn oauth2 connection whose OAuth endpoints are the sandbox's; its client credentials sealed as its secret. */
export async function createLinkedInConnection(
  prisma: PrismaService,
  secrets: ConnectionSecretStore,
  sandbox: LinkedInSandbox,
  options: { tenantId?: string; name?: string; authMethod?: string; clientSecret?: string } = {},
): Promise<string> {
  return prisma.transaction(async (tx) => {
    const tenantId = options.tenantId ?? 'tenant-a';
    const authMethod = options.authMethod ?? 'oauth2';
    const credentialId =
      authMethod === 'oauth2'
        ? await secrets.seal(tx, tenantId, { authMethod: 'oauth2', clientId: LINKEDIN_SANDBOX_CLIENT.id, clientSecret: options.clientSecret ?? LINKEDIN_SANDBOX_CLIENT.secret })
        : await secrets.seal(tx, tenantId, { authMethod: 'bearer', token: 'static-bearer-token' });
    const config = {
      apiBaseUrl: sandbox.url,
      oauth: { authorizationEndpoint: `${sandbox.url}/oauth/v2/authorization`, tokenEndpoint: `${sandbox.url}/oauth/v2/accessToken`, revocationEndpoint: `${sandbox.url}/oauth/v2/revoke` },
    };
    const row = await tx.connection.create({ data: { tenantId, typeSlug: 'linkedin', name: options.name ?? `linkedin-${Math.random().toString(36).slice(2)}`, authMethod, config, credentialId } });
    return row.id;
  });
}
