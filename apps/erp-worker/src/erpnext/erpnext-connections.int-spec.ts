import { randomBytes } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import { ConnectionResolver, ConnectionSecretStore, IntegrationCatalog } from '@junction/integrations';
import { ConnectionEventRepository, ConnectionRepository, PersistenceModule, PrismaService } from '@junction/persistence';
import { IntegrationError, ResiliencePipelines, type CallContext } from '@junction/resilience';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ErpNextConnections, UnresolvedConnectionError } from './erpnext-connections';
import { ERPNEXT_ENV_CONNECTION, ErpNextEnvConnection, type ErpNextEnvCredentials } from './erpnext-env-connection';

/** ERPNEXT_* → TENANT_ID's default connection at start, and per-connection clients and pipelines (real Postgres). */
describe('erp-worker connections (Postgres + ERPNext sandboxes)', () => {
  const siteA = new ErpNextSandbox({ apiKey: 'key-a', apiSecret: 'secret-a-1' });
  const siteB = new ErpNextSandbox({ apiKey: 'key-b', apiSecret: 'secret-b-1' });
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let prisma: PrismaService;
  let resolver: ConnectionResolver;
  const bootstrap = () =>
    new ErpNextEnvConnection(
      null,
      prisma,
      moduleRef.get(ConnectionRepository),
      moduleRef.get(ConnectionEventRepository),
      moduleRef.get(ConnectionSecretStore),
      moduleRef.get(IntegrationCatalog),
    );
  const events = (connectionId: string) => prisma.connectionEvent.findMany({ where: { connectionId }, orderBy: { occurredAt: 'asc' } });

  beforeAll(async () => {
    db = await createTestDatabase();
    await Promise.all([siteA.start(), siteB.start()]);
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 4 }), SecurityModule.forRoot({ kek: formatKeyEntry('test', randomBytes(32)) })],
      providers: [ConnectionSecretStore, IntegrationCatalog, ConnectionResolver],
    }).compile();
    await moduleRef.init();
    prisma = moduleRef.get(PrismaService);
    resolver = moduleRef.get(ConnectionResolver);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await Promise.all([siteA.stop(), siteB.stop()]);
    await db?.drop();
  });

  describe('ERPNEXT_* become the default connection (ErpNextEnvConnection)', () => {
    const env = (over: Partial<ErpNextEnvCredentials> = {}): ErpNextEnvCredentials => ({ tenantId: 't-env', baseUrl: siteA.url, apiKey: 'key-a', apiSecret: 'secret-a-1', timeoutMs: 5_000, ...over });

    it('creates it connected and default, then is idempotent on restart, re-seals on a changed secret, updates a changed URL', async () => {
      const first = await bootstrap().ensure(env());
      expect(first).toMatchObject({ action: 'created', isDefault: true });
      const id = (first as { connectionId: string }).connectionId;
      const row = await prisma.connection.findUniqueOrThrow({ where: { id } });
      expect(row).toMatchObject({ name: ERPNEXT_ENV_CONNECTION, typeSlug: 'erpnext', authMethod: 'api_key', status: 'connected', isDefault: true, config: { baseUrl: siteA.url, timeoutMs: 5_000 } });
      const resolved = await resolver.resolve('t-env', 'erpnext');
      expect(resolved).toMatchObject({ id, secret: { apiKey: 'key-a', apiSecret: 'secret-a-1' } });

      // Restart with the same env: nothing written (same credential row, no new event).
      expect(await bootstrap().ensure(env())).toMatchObject({ action: 'unchanged', connectionId: id });
      expect((await prisma.connection.findUniqueOrThrow({ where: { id } })).credentialId).toBe(row.credentialId);
      expect((await events(id)).map((e) => [e.type, e.actor])).toEqual([['created', 'system']]);

      // Two replicas restarting at once with a rotated secret: one re-seal, one event.
      const results = await Promise.all([bootstrap().ensure(env({ apiSecret: 'secret-a-2' })), bootstrap().ensure(env({ apiSecret: 'secret-a-2' }))]);
      expect(results.map((r) => r.action).sort()).toEqual(['credential_rotated', 'unchanged']);
      const rotated = await prisma.connection.findUniqueOrThrow({ where: { id } });
      expect(rotated.credentialId).not.toBe(row.credentialId);
      expect(await prisma.credential.count({ where: { id: row.credentialId! } })).toBe(0);
      expect((await resolver.resolve('t-env', 'erpnext'))!.secret).toMatchObject({ apiSecret: 'secret-a-2' });
      expect(resolved!.secret).toMatchObject({ apiSecret: 'secret-a-1' }); // what a call in flight holds

      expect(await bootstrap().ensure(env({ apiSecret: 'secret-a-2', baseUrl: siteB.url }))).toMatchObject({ action: 'config_updated' });
      expect((await events(id)).map((e) => e.type)).toEqual(['created', 'credential_rotated', 'config_updated']);
      const serialized = JSON.stringify(await events(id));
      expect(serialized).not.toContain('secret-a');
    });

    it('does not take the default from a connection an operator made default', async () => {
      await prisma.integrationType.findUniqueOrThrow({ where: { slug: 'erpnext' } });
      const existing = await prisma.connection.create({ data: { tenantId: 't-env-2', typeSlug: 'erpnext', name: 'main-erp', authMethod: 'api_key', config: { baseUrl: siteB.url }, isDefault: true, status: 'connected' } });
      expect(await bootstrap().ensure(env({ tenantId: 't-env-2' }))).toMatchObject({ action: 'created', isDefault: false });
      expect((await resolver.resolve('t-env-2', 'erpnext'))?.id).toBe(existing.id);
    });
  });

  describe('ErpNextConnections', () => {
    const seal = async (tenantId: string, name: string, site: ErpNextSandbox, apiKey: string, apiSecret: string, isDefault: boolean) => {
      const secrets = moduleRef.get(ConnectionSecretStore);
      return prisma.transaction(async (tx) => {
        const credentialId = await secrets.seal(tx, tenantId, { authMethod: 'api_key', apiKey, apiSecret });
        return tx.connection.create({ data: { tenantId, typeSlug: 'erpnext', name, authMethod: 'api_key', config: { baseUrl: site.url }, isDefault, credentialId, status: 'connected' } });
      });
    };

    it('routes each command to its connection (explicit id, else default), one client per connection version', async () => {
      const a = await seal('t-multi', 'site-a', siteA, 'key-a', 'secret-a-1', true);
      const b = await seal('t-multi', 'site-b', siteB, 'key-b', 'secret-b-1', false);
      const connections = new ErpNextConnections({ fallback: { kind: 'none' }, timeoutMs: 2_000, resolver });
      const toA = await connections.forCommand({ tenantId: 't-multi' });
      const toB = await connections.forCommand({ tenantId: 't-multi', connectionId: b.id });
      expect(toA).toMatchObject({ connection: a.id, connectionId: a.id });
      expect(toB).toMatchObject({ connection: b.id });
      expect(await toA.client.getLoggedUser()).toBe('Administrator');
      expect(await toB.client.getLoggedUser()).toBe('Administrator');
      expect((await connections.forCommand({ tenantId: 't-multi' })).client).toBe(toA.client);
    });

    it('a command for another tenant’s connection, or a tenant without one, is dead-lettered (not retryable)', async () => {
      const other = await seal('t-someone', 'theirs', siteA, 'key-a', 'secret-a-1', true);
      const connections = new ErpNextConnections({ fallback: { kind: 'none' }, timeoutMs: 2_000, resolver });
      await expect(connections.forCommand({ tenantId: 't-stranger', connectionId: other.id })).rejects.toMatchObject({ code: 'CONNECTION_NOT_FOUND', retryable: false });
      await expect(connections.forCommand({ tenantId: 't-stranger' })).rejects.toBeInstanceOf(UnresolvedConnectionError);
      // No credentials anywhere: the sandbox.
      const sandboxClient = new ErpNextClient({ baseUrl: siteA.url, apiKey: 'key-a', apiSecret: 'secret-a-1' });
      const demo = new ErpNextConnections({ fallback: { kind: 'sandbox', client: sandboxClient }, timeoutMs: 2_000, resolver });
      expect(await demo.forCommand({ tenantId: 't-stranger' })).toMatchObject({ client: sandboxClient, connection: 'sandbox', connectionId: null });
    });

    it('one connection’s open breaker does not fail another connection’s calls', async () => {
      const a = await seal('t-breaker', 'down', siteA, 'key-a', 'secret-a-1', true);
      const b = await seal('t-breaker', 'up', siteB, 'key-b', 'secret-b-1', false);
      const connections = new ErpNextConnections({ fallback: { kind: 'none' }, timeoutMs: 1_000, resolver });
      const pipelines = new ResiliencePipelines({
        overrides: { erpnext: { retry: { maxAttempts: 1 }, breaker: { volumeThreshold: 2, errorThresholdPercentage: 50, resetTimeoutMs: 60_000 } } },
      });
      try {
        const ctx = (connection: string): CallContext => ({ provider: 'erpnext', connection, operation: 'getLoggedUser' });
        const down = await connections.forCommand({ tenantId: 't-breaker', connectionId: a.id });
        const up = await connections.forCommand({ tenantId: 't-breaker', connectionId: b.id });
        siteA.faults.set({ errorRatio: 1, errorStatus: 503 });
        for (let i = 0; i < 4; i++) await pipelines.run(ctx(down.connection), (at) => down.client.getLoggedUser(at.requestOptions)).catch(() => undefined);
        const requestsBefore = siteA.requests.length;
        const open = await pipelines.run(ctx(down.connection), (at) => down.client.getLoggedUser(at.requestOptions)).catch((e: unknown) => e);
        expect(open).toBeInstanceOf(IntegrationError);
        expect((open as IntegrationError).errorClass).toBe('circuit_open');
        expect(siteA.requests.length).toBe(requestsBefore); // failed fast, not sent
        expect(await pipelines.run(ctx(up.connection), (at) => up.client.getLoggedUser(at.requestOptions))).toBe('Administrator');
      } finally {
        siteA.faults.clear();
        pipelines.close();
      }
    });
  });
});
