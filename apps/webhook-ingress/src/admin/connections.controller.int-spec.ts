import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule } from '@junction/persistence';
import { HttpErrorFilter } from '@junction/platform';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { IntegrationsModule } from '@junction/integrations';
import { AdminModule } from './admin.module';

const KEY = 'erp-key-PLAINTEXT-http';
const SECRET = 'erp-secret-PLAINTEXT-http';
const MARKER = 'PLAINTEXT';

/** The connection and catalog admin API on a Fastify Nest app over a real database and the ERPNext sandbox. */
describe('admin API /admin/connections and /admin/integration-types (Fastify, real Postgres)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let sandbox: ErpNextSandbox;
  let baseUrl: string;
  let keyA: string;
  let keyB: string;
  let commandsOnly: string;
  let erp: Record<string, unknown>;

  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, key?: string, payload?: unknown) => {
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
    const text = await response.text();
    // No answer ever carries a credential value.
    expect(text).not.toContain(MARKER);
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    sandbox = new ErpNextSandbox({ apiKey: KEY, apiSecret: SECRET });
    erp = { type: 'erpnext', name: 'site', config: { baseUrl: (await sandbox.start(0)).url }, credential: { apiKey: KEY, apiSecret: SECRET } };
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 4 }),
        SecurityModule.forRoot({ kek: formatKeyEntry('test', randomBytes(32)) }),
        MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'webhook-ingress' }),
        IntegrationsModule.forRoot(),
        AdminModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new HttpErrorFilter());
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    const apiKeys = app.get(ApiKeyService);
    keyA = (await apiKeys.create({ tenantId: 'tenant-a', actor: 'cli' }, { name: 'a', scopes: ['admin'] })).key;
    keyB = (await apiKeys.create({ tenantId: 'tenant-b', actor: 'cli' }, { name: 'b', scopes: ['admin'] })).key;
    commandsOnly = (await apiKeys.create({ tenantId: 'tenant-a', actor: 'cli' }, { name: 'c', scopes: ['commands'] })).key;
  });
  afterAll(async () => {
    await app?.close();
    await sandbox?.stop();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.prisma.connection.deleteMany();
    await db.prisma.credential.deleteMany();
  });

  it('requires an admin key on every route: 401 without or with a wrong key, 403 INSUFFICIENT_SCOPE for a commands key', async () => {
    for (const path of ['/admin/connections', '/admin/integration-types', '/admin/integration-types/erpnext']) {
      expect(await call('GET', path)).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
      expect(await call('GET', path, commandsOnly)).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
    }
    expect(await call('POST', '/admin/connections', commandsOnly, erp)).toMatchObject({ status: 403 });
    expect(await db.prisma.connection.count()).toBe(0);
  });

  it('searches the catalog by text, kind and category; shows one type with its schema; unknown slug is 404', async () => {
    const all = await call('GET', '/admin/integration-types', keyA);
    expect(all.body!.items).toHaveLength(11);
    expect((await call('GET', '/admin/integration-types?q=LINKED', keyA)).body!.items.map((t: any) => t.slug)).toEqual(['linkedin']);
    expect((await call('GET', '/admin/integration-types?kind=mcp', keyA)).body!.items.map((t: any) => t.slug)).toEqual(['mcp-http', 'mcp-sse', 'mcp-stdio']);
    expect((await call('GET', '/admin/integration-types?category=commerce', keyA)).body!.items.map((t: any) => t.slug)).toEqual(['magento', 'shopify', 'woocommerce']);
    expect((await call('GET', '/admin/integration-types?q=streamable&kind=mcp', keyA)).body!.items.map((t: any) => t.slug)).toEqual(['mcp-http']);
    expect((await call('GET', '/admin/integration-types?q=nothing-like-this', keyA)).body!.items).toEqual([]);
    const linkedin = await call('GET', '/admin/integration-types/linkedin', keyA);
    expect(linkedin.body).toMatchObject({ slug: 'linkedin', kind: 'vendor', category: 'social', authMethods: ['oauth2', 'bearer'], active: true, oauth: { tokenEndpoint: 'https://www.linkedin.com/oauth/v2/accessToken', clientAuth: 'client_secret_post' } });
    expect(linkedin.body!.configSchema.properties.apiBaseUrl).toMatchObject({ default: 'https://api.linkedin.com' });
    expect(await call('GET', '/admin/integration-types/sap', keyA)).toMatchObject({ status: 404, body: { code: 'UNKNOWN_INTEGRATION_TYPE' } });
  });

  it('create 201 → list, get, patch, connect, test, rotate-credential, logs, health, disconnect, delete 204', async () => {
    const created = await call('POST', '/admin/connections', keyA, erp);
    expect(created).toMatchObject({ status: 201, body: { type: 'erpnext', name: 'site', status: 'configuring', isDefault: true, hasCredential: true } });
    expect(created.body).not.toHaveProperty('credential');
    const id = created.body!.id as string;
    expect(await call('GET', '/admin/connections', keyA)).toMatchObject({ status: 200, body: { items: [{ id }] } });
    expect(await call('GET', '/admin/connections?type=crm', keyA)).toMatchObject({ status: 200, body: { items: [] } });
    expect(await call('GET', `/admin/connections/${id}`, keyA)).toMatchObject({ status: 200, body: { id } });
    expect(await call('PATCH', `/admin/connections/${id}`, keyA, { name: 'erp' })).toMatchObject({ status: 200, body: { name: 'erp' } });
    expect(await call('POST', `/admin/connections/${id}/connect`, keyA)).toMatchObject({ status: 200, body: { connection: { status: 'connected' }, test: { ok: true } } });
    expect(await call('POST', `/admin/connections/${id}/test`, keyA)).toMatchObject({ status: 200, body: { ok: true, errorClass: null, capabilities: ['user:Administrator'] } });
    const rotated = await call('POST', `/admin/connections/${id}/rotate-credential`, keyA, { credential: { apiKey: KEY, apiSecret: `${SECRET}-next` } });
    expect(rotated).toMatchObject({ status: 200, body: { credentialRotatedAt: expect.any(String) } });
    // The sandbox knows only the first secret: the next test uses the rotated one and fails as auth.
    expect(await call('POST', `/admin/connections/${id}/test`, keyA)).toMatchObject({ status: 200, body: { ok: false, errorClass: 'auth' } });
    const logs = await call('GET', `/admin/connections/${id}/logs?limit=3`, keyA);
    expect(logs).toMatchObject({ status: 200, body: { items: [{ type: 'error' }, { type: 'tested' }, { type: 'credential_rotated' }], nextBefore: expect.any(String) } });
    const health = await call('GET', `/admin/connections/${id}/health`, keyA);
    expect(health).toMatchObject({ status: 200, body: { summary: { checks: 3, ok: 2, failed: 1 } } });
    expect(health.body!.summary.uptimeRatio).toBeCloseTo(2 / 3);
    expect(await call('POST', `/admin/connections/${id}/disconnect`, keyA)).toMatchObject({ status: 200, body: { status: 'disconnected' } });
    expect(await call('DELETE', `/admin/connections/${id}`, keyA)).toEqual({ status: 204, body: undefined });
    expect(await call('GET', `/admin/connections/${id}`, keyA)).toMatchObject({ status: 404, body: { code: 'CONNECTION_NOT_FOUND' } });
    expect(await db.prisma.credential.count()).toBe(0);
  });

  it.each([
    ['unknown type', { ...base(), type: 'sap' }, 'UNKNOWN_INTEGRATION_TYPE', 'type'],
    ['bad config', { ...base(), config: { baseUrl: 'no' } }, 'INVALID_CONFIG', 'config.baseUrl'],
    ['unknown auth method', { ...base(), authMethod: 'magic' }, 'UNKNOWN_AUTH_METHOD', 'authMethod'],
    ['unsupported auth method', { ...base(), authMethod: 'jwt' }, 'AUTH_METHOD_NOT_SUPPORTED', 'authMethod'],
    ['credential for the wrong auth method', { ...base(), credential: { token: `t-${MARKER}` } }, 'INVALID_CREDENTIAL', 'credential.'],
  ])('POST with %s → 400 with a stable code naming the field, nothing stored', async (_case, body, code, field) => {
    const answer = await call('POST', '/admin/connections', keyA, body);
    expect(answer).toMatchObject({ status: 400, body: { code } });
    expect(answer.body!.message).toContain(field);
    expect(await db.prisma.connection.count()).toBe(0);
    expect(await db.prisma.credential.count()).toBe(0);
  });

  it('answers 404 CONNECTION_NOT_FOUND for another tenant’s connection on every connection route, and leaves it alone', async () => {
    const id = (await call('POST', '/admin/connections', keyA, erp)).body!.id as string;
    const before = { events: await db.prisma.connectionEvent.count(), health: await db.prisma.connectionHealth.count(), credentials: await db.prisma.credential.count() };
    const attempts = [
      await call('GET', `/admin/connections/${id}`, keyB),
      await call('PATCH', `/admin/connections/${id}`, keyB, { name: 'mine' }),
      await call('DELETE', `/admin/connections/${id}`, keyB),
      await call('POST', `/admin/connections/${id}/connect`, keyB),
      await call('POST', `/admin/connections/${id}/disconnect`, keyB),
      await call('POST', `/admin/connections/${id}/test`, keyB),
      await call('POST', `/admin/connections/${id}/rotate-credential`, keyB, { credential: { apiKey: 'k', apiSecret: `s-${MARKER}` } }),
      await call('GET', `/admin/connections/${id}/logs`, keyB),
      await call('GET', `/admin/connections/${id}/health`, keyB),
    ];
    expect(attempts).toHaveLength(9);
    for (const attempt of attempts) expect(attempt).toEqual({ status: 404, body: { code: 'CONNECTION_NOT_FOUND', message: `no connection "${id}"` } });
    expect(await call('GET', '/admin/connections', keyB)).toMatchObject({ status: 200, body: { items: [] } });
    expect(await call('GET', `/admin/connections/${id}`, keyA)).toMatchObject({ status: 200, body: { name: 'site', status: 'configuring' } });
    expect({ events: await db.prisma.connectionEvent.count(), health: await db.prisma.connectionHealth.count(), credentials: await db.prisma.credential.count() }).toEqual(before);
  });

  function base() {
    return { type: 'erpnext', name: 'bad', config: { baseUrl: 'https://erp.example.com' }, credential: { apiKey: 'k', apiSecret: `s-${MARKER}` } };
  }
});
