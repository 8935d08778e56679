import { randomBytes } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { CRM_SANDBOX_TOKEN, CrmSandbox, HubSpotClient } from '@junction/connectors/crm';
import { ConnectionResolver, ConnectionSecretStore, IntegrationCatalog, type ResolvedConnection } from '@junction/integrations';
import { PersistenceModule, PrismaService } from '@junction/persistence';
import { ResiliencePipelines } from '@junction/resilience';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { buildClient, CrmGateway } from './crm-gateway';

/** Which CRM a command reaches: its connection, the tenant's default, the env credentials or the sandbox (real Postgres). */
describe('CrmGateway connections (Postgres + two CRM sandboxes)', () => {
  const crmA = new CrmSandbox({ tokens: ['pat-na1-token-a'] });
  const crmB = new CrmSandbox({ tokens: ['pat-na1-token-b'] });
  const calls = new ResiliencePipelines();
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let prisma: PrismaService;
  let resolver: ConnectionResolver;
  const ref = (tenantId: string, connectionId?: string) => ({ id: randomBytes(8).toString('hex'), tenantId, connectionId });

  beforeAll(async () => {
    db = await createTestDatabase();
    await Promise.all([crmA.start(), crmB.start()]);
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 4 }), SecurityModule.forRoot({ kek: formatKeyEntry('test', randomBytes(32)) })],
      providers: [ConnectionSecretStore, IntegrationCatalog, ConnectionResolver],
    }).compile();
    await moduleRef.init();
    prisma = moduleRef.get(PrismaService);
    resolver = moduleRef.get(ConnectionResolver);
  });

  afterAll(async () => {
    calls.close();
    await moduleRef?.close();
    await Promise.all([crmA.stop(), crmB.stop()]);
    await db?.drop();
  });

  const seal = async (tenantId: string, name: string, site: CrmSandbox, token: string, isDefault: boolean, authMethod: 'bearer' | 'api_key' = 'bearer') => {
    const secrets = moduleRef.get(ConnectionSecretStore);
    return prisma.transaction(async (tx) => {
      const secret = authMethod === 'bearer' ? ({ authMethod, token } as const) : ({ authMethod, apiKey: token } as const);
      const credentialId = await secrets.seal(tx, tenantId, secret);
      return tx.connection.create({ data: { tenantId, typeSlug: 'crm', name, authMethod, config: { baseUrl: site.url }, isDefault, credentialId, status: 'connected' } });
    });
  };

  it('routes each command to its connection (explicit id, else the tenant default) with that connection’s token', async () => {
    await seal('t-multi', 'crm-a', crmA, 'pat-na1-token-a', true);
    const b = await seal('t-multi', 'crm-b', crmB, 'pat-na1-token-b', false);
    const gateway = new CrmGateway({ resolver, timeoutMs: 2_000, calls });
    await (await gateway.forCommand(ref('t-multi'))).createLead({ email: 'to-a@example.com' });
    await (await gateway.forCommand(ref('t-multi', b.id))).createLead({ email: 'to-b@example.com' });
    expect(crmA.objects('contacts').map((c) => c.properties.email)).toEqual(['to-a@example.com']);
    expect(crmB.objects('contacts').map((c) => c.properties.email)).toEqual(['to-b@example.com']);
  });

  it('another tenant’s connection, or none at all, is unresolvable (dead-lettered, not retried)', async () => {
    const theirs = await seal('t-owner', 'theirs', crmA, 'pat-na1-token-a', true);
    const gateway = new CrmGateway({ resolver, timeoutMs: 2_000, calls });
    await expect(gateway.forCommand(ref('t-stranger', theirs.id))).rejects.toMatchObject({ name: 'UnresolvedConnectionError', code: 'CONNECTION_NOT_FOUND', retryable: false });
    await expect(gateway.forCommand(ref('t-stranger'))).rejects.toMatchObject({ code: 'NO_CONNECTION', retryable: false });
  });

  it('env credentials with connections on serve TENANT_ID only; without a resolver they serve everyone, and a named connection is refused', async () => {
    const envClient = new HubSpotClient({ baseUrl: crmB.url, token: 'pat-na1-token-b' });
    const gated = new CrmGateway({ resolver, fallbackClient: { kind: 'env', client: envClient }, envTenantId: 't-env', timeoutMs: 2_000, calls });
    await (await gated.forCommand(ref('t-env'))).createLead({ email: 'env-tenant@example.com' });
    expect(crmB.objects('contacts').some((c) => c.properties.email === 'env-tenant@example.com')).toBe(true);
    await expect(gated.forCommand(ref('t-somebody-else'))).rejects.toMatchObject({ code: 'NO_CONNECTION' });

    const open = new CrmGateway({ fallbackClient: { kind: 'env', client: envClient }, timeoutMs: 2_000, calls });
    expect(await (await open.forCommand(ref('t-anyone'))).findLeadByEmail('env-tenant@example.com')).toMatchObject({ email: 'env-tenant@example.com' });
    await expect(open.forCommand(ref('t-anyone', '5b0c7f6e-4b8a-4c55-9d2e-3f7a1d9e8c01'))).rejects.toMatchObject({ code: 'NO_CONNECTION', retryable: false });
  });

  it('a connection whose auth method the CRM cannot use fails as auth (dead-lettered for an operator)', async () => {
    const wrong = await seal('t-wrong', 'api-key', crmA, 'whatever', true, 'api_key');
    const gateway = new CrmGateway({ resolver, timeoutMs: 2_000, calls });
    await expect(gateway.forCommand(ref('t-wrong', wrong.id))).rejects.toMatchObject({ errorClass: 'auth', retryable: false });
  });

  it('an OAuth connection asks the token manager per request (and again with the refused token after a 401)', async () => {
    const asked: (string | undefined)[] = [];
    const resolved: ResolvedConnection = {
      id: 'oauth-1',
      tenantId: 't',
      typeSlug: 'crm',
      name: 'oauth',
      authMethod: 'oauth2',
      config: { baseUrl: crmA.url },
      secret: { authMethod: 'oauth2', clientId: 'id', clientSecret: 'secret' },
      accessToken: async (options) => {
        asked.push(options?.rejected);
        return options?.rejected ? 'pat-na1-token-a' : 'stale-access-token';
      },
    };
    expect(await buildClient(resolved, 2_000).findContactByEmail('x@example.com')).toBeNull();
    expect(asked).toEqual([undefined, 'stale-access-token']);
    expect(buildClient({ ...resolved, authMethod: 'bearer', secret: { authMethod: 'bearer', token: CRM_SANDBOX_TOKEN }, config: {} }, 2_000)).toBeInstanceOf(HubSpotClient);
  });
});
