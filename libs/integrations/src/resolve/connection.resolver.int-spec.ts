import { randomBytes } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { ConnectionRepository, PersistenceModule, PrismaService } from '@junction/persistence';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { IntegrationCatalog } from '../catalog/integration-catalog';
import { ConnectionSecretStore } from '../connections/connection-secret.store';
import { ConnectionError, type ConnectionSecret } from '../connections/connection.types';
import { ConnectionResolver } from './connection.resolver';

/** ConnectionResolver on real Postgres: which connection a worker's call runs on, and what it refuses. */
describe('ConnectionResolver (Postgres)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let resolver: ConnectionResolver;
  let prisma: PrismaService;
  let rows: ConnectionRepository;
  let secrets: ConnectionSecretStore;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 3 }), SecurityModule.forRoot({ kek: formatKeyEntry('test', randomBytes(32)) })],
      providers: [ConnectionSecretStore, IntegrationCatalog, ConnectionResolver],
    }).compile();
    await moduleRef.init();
    resolver = moduleRef.get(ConnectionResolver);
    prisma = moduleRef.get(PrismaService);
    rows = moduleRef.get(ConnectionRepository);
    secrets = moduleRef.get(ConnectionSecretStore);
    await moduleRef.get(IntegrationCatalog).sync();
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
  });

  const create = (tenantId: string, typeSlug: string, options: { isDefault?: boolean; status?: string; secret?: ConnectionSecret; config?: Record<string, unknown> } = {}) =>
    prisma.transaction(async (tx) => {
      const secret = options.secret ?? { authMethod: 'api_key', apiKey: 'key', apiSecret: `secret-${++n}` };
      const credentialId = await secrets.seal(tx, tenantId, secret);
      const row = await rows.insert(tx, { tenantId, typeSlug, name: `conn-${++n}`, authMethod: secret.authMethod, config: (options.config ?? { baseUrl: 'http://erp.test' }) as never, isDefault: options.isDefault ?? false, credentialId });
      return rows.update(tx, row.id, { status: options.status ?? 'connected' });
    });

  const codeOf = (p: Promise<unknown>) => p.then(() => 'resolved', (e: unknown) => (e instanceof ConnectionError ? `${e.code} ${e.status}` : String(e)));

  it('an explicit id of the tenant and type → that connection, with its secret opened', async () => {
    const row = await create('t-explicit', 'erpnext', { secret: { authMethod: 'api_key', apiKey: 'k1', apiSecret: 's1' } });
    const resolved = await resolver.resolve('t-explicit', 'erpnext', row.id);
    expect(resolved).toMatchObject({ id: row.id, tenantId: 't-explicit', typeSlug: 'erpnext', authMethod: 'api_key', config: { baseUrl: 'http://erp.test' }, secret: { apiKey: 'k1', apiSecret: 's1' } });
    expect(resolved!.accessToken).toBeUndefined();
  });

  it('no id → the tenant’s default of the type; none of the type → null', async () => {
    await create('t-default', 'erpnext');
    const chosen = await create('t-default', 'erpnext', { isDefault: true });
    await create('t-default', 'crm', { isDefault: true, secret: { authMethod: 'bearer', token: 'crm-token' } });
    expect((await resolver.resolve('t-default', 'erpnext'))?.id).toBe(chosen.id);
    expect(await resolver.resolve('t-default', 'shopify')).toBeNull();
    expect(await resolver.resolve('t-nothing', 'erpnext')).toBeNull();
  });

  it('another tenant’s id, an id of another type, an unknown or malformed id → CONNECTION_NOT_FOUND 404', async () => {
    const other = await create('t-other', 'erpnext', { isDefault: true });
    const crm = await create('t-mine', 'crm', { secret: { authMethod: 'bearer', token: 't' } });
    expect(await codeOf(resolver.resolve('t-mine', 'erpnext', other.id))).toBe('CONNECTION_NOT_FOUND 404');
    expect(await codeOf(resolver.resolve('t-mine', 'erpnext', crm.id))).toBe('CONNECTION_NOT_FOUND 404');
    expect(await codeOf(resolver.resolve('t-mine', 'erpnext', '00000000-0000-4000-8000-000000000000'))).toBe('CONNECTION_NOT_FOUND 404');
    expect(await codeOf(resolver.resolve('t-mine', 'erpnext', 'not-a-uuid'))).toBe('CONNECTION_NOT_FOUND 404');
  });

  it('disconnected → CONNECTION_DISCONNECTED; reauth_required → REAUTH_REQUIRED (explicit and default)', async () => {
    const off = await create('t-status', 'erpnext', { isDefault: true, status: 'disconnected' });
    const reauth = await create('t-status', 'linkedin', { isDefault: true, status: 'reauth_required', secret: { authMethod: 'bearer', token: 't' } });
    expect(await codeOf(resolver.resolve('t-status', 'erpnext'))).toBe('CONNECTION_DISCONNECTED 409');
    expect(await codeOf(resolver.resolve('t-status', 'erpnext', off.id))).toBe('CONNECTION_DISCONNECTED 409');
    expect(await codeOf(resolver.resolve('t-status', 'linkedin', reauth.id))).toBe('REAUTH_REQUIRED 409');
  });

  it('a credential rotation is picked up at the next resolve; a resolve made before keeps the old secret', async () => {
    const row = await create('t-rotate', 'erpnext', { isDefault: true, secret: { authMethod: 'api_key', apiKey: 'k', apiSecret: 'old-secret' } });
    const before = await resolver.resolve('t-rotate', 'erpnext');
    expect(await resolver.resolve('t-rotate', 'erpnext')).toBe(before); // cached while nothing changed
    await prisma.transaction(async (tx) => {
      const credentialId = await secrets.seal(tx, 't-rotate', { authMethod: 'api_key', apiKey: 'k', apiSecret: 'new-secret' });
      await rows.update(tx, row.id, { credentialId, credentialRotatedAt: new Date() });
      await rows.deleteCredentials(tx, [row.credentialId!]);
    });
    const after = await resolver.resolve('t-rotate', 'erpnext');
    expect(after!.secret).toMatchObject({ apiSecret: 'new-secret' });
    expect(before!.secret).toMatchObject({ apiSecret: 'old-secret' }); // in flight: unchanged
    expect(after!.version).not.toBe(before!.version);
  });

  it('a config change is picked up at the next resolve', async () => {
    const row = await create('t-config', 'erpnext', { isDefault: true });
    expect((await resolver.resolve('t-config', 'erpnext'))!.config).toEqual({ baseUrl: 'http://erp.test' });
    await prisma.transaction((tx) => rows.update(tx, row.id, { config: { baseUrl: 'http://erp2.test' } }));
    expect((await resolver.resolve('t-config', 'erpnext'))!.config).toEqual({ baseUrl: 'http://erp2.test' });
  });

  it('open() of an oauth2 row without a token manager has no token source; with one it asks for this connection', async () => {
    const row = await create('t-oauth', 'linkedin', { secret: { authMethod: 'oauth2', clientId: 'c', clientSecret: 'cs' } });
    expect((await resolver.open(row)).accessToken).toBeUndefined();
    const calls: unknown[] = [];
    const withTokens = new ConnectionResolver(rows, secrets, { accessToken: (id: string, o?: unknown) => (calls.push([id, o]), Promise.resolve('tok')) } as never);
    const resolved = await withTokens.open(row);
    expect(await resolved.accessToken!({ rejected: 'old' })).toBe('tok');
    expect(calls).toEqual([[row.id, { rejected: 'old' }]]);
  });
});
