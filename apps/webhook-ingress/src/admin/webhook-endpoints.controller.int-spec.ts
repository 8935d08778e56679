import { randomBytes } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule } from '@junction/persistence';
import { HttpErrorFilter } from '@junction/platform';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { IntegrationsModule } from '@junction/integrations';
import { AdminModule } from './admin.module';

const SECRET = 'whsec_admin-http-plaintext-secret';
const stripe = { id: 'shop', provider: 'stripe', scheme: 'stripe', secrets: [SECRET] };

/** Only the admin API on a Fastify Nest app, over a real database: no ingress, no bus, no app bootstrap. */
describe('admin API /admin/webhook-endpoints (Fastify, real Postgres)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let keyA: string;
  let keyAId: string;
  let keyB: string;
  let commandsOnly: string;

  let baseUrl: string;

  // Real HTTP on a loopback port (Fastify's inject needs light-my-request, whose `cookie` is ESM-only under Jest).
  const send = async (method: string, path: string, headers: Record<string, string>, body?: string) => {
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    expect(text).not.toContain('plaintext-secret');
    return { status: response.status, text };
  };
  const call = async (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', path: string, key?: string, payload?: unknown) => {
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) };
    const { status, text } = await send(method, path, headers, payload === undefined ? undefined : JSON.stringify(payload));
    return { status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 3 }),
        SecurityModule.forRoot({ kek: formatKeyEntry('test', randomBytes(32)) }),
        // IntegrationsModule's OAuth token manager publishes events.
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
    const a = await apiKeys.create({ tenantId: 'tenant-a', actor: 'cli' }, { name: 'a', scopes: ['admin'] });
    [keyA, keyAId] = [a.key, a.view.id];
    keyB = (await apiKeys.create({ tenantId: 'tenant-b', actor: 'cli' }, { name: 'b', scopes: ['admin'] })).key;
    commandsOnly = (await apiKeys.create({ tenantId: 'tenant-a', actor: 'cli' }, { name: 'c', scopes: ['commands'] })).key;
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.prisma.webhookEndpoint.deleteMany();
    await db.prisma.credential.deleteMany();
  });

  it('answers 401 UNAUTHORIZED without a key, with a wrong or malformed key, and with a Basic header; 403 INSUFFICIENT_SCOPE to a commands-only key', async () => {
    const wrong = `${keyA.slice(0, -2)}xx`;
    for (const headers of [undefined, wrong, 'not-a-key']) {
      expect(await call('GET', '/admin/webhook-endpoints', headers)).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    }
    expect((await send('GET', '/admin/webhook-endpoints', { authorization: `Basic ${keyA}` })).status).toBe(401);
    expect(await call('POST', '/admin/webhook-endpoints', wrong, stripe)).toMatchObject({ status: 401 });
    expect(await call('GET', '/admin/webhook-endpoints', commandsOnly)).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
    expect(await call('POST', '/admin/webhook-endpoints', commandsOnly, stripe)).toMatchObject({ status: 403 });
    expect(await db.prisma.webhookEndpoint.count()).toBe(0);
  });

  it('creates (201) and shows the endpoint without its secret; the audit names the key', async () => {
    const created = await call('POST', '/admin/webhook-endpoints', keyA, stripe);
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: 'shop', tenantId: 'tenant-a', url: '/webhooks/stripe/shop', toleranceSeconds: 300, disabled: false });
    expect(created.body!.secrets).toEqual([{ id: expect.any(String), createdAt: expect.any(String), expiresAt: null, active: true }]);
    expect(await call('GET', '/admin/webhook-endpoints/shop', keyA)).toMatchObject({ status: 200, body: { id: 'shop' } });
    expect(await call('GET', '/admin/webhook-endpoints', keyA)).toMatchObject({ status: 200, body: { items: [{ id: 'shop' }] } });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({ where: { subject: 'shop', action: 'endpoint.created' } });
    expect(audit).toMatchObject({ actor: `admin:${keyAId}`, tenantId: 'tenant-a' });
  });

  it('answers invalid input with 400 VALIDATION_FAILED (stable code, no secret) and bad JSON with 400 MALFORMED_JSON', async () => {
    const invalid = await call('POST', '/admin/webhook-endpoints', keyA, { ...stripe, scheme: 'standard-webhooks', secrets: ['whsec_!plaintext-secret'], toleranceSeconds: -1 });
    expect(invalid).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });
    expect(invalid.body!.message).toContain('toleranceSeconds');
    const malformed = await send('POST', '/admin/webhook-endpoints', { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' }, '{"id":');
    expect(malformed.status).toBe(400);
    expect(JSON.parse(malformed.text)).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it('answers 404 ENDPOINT_NOT_FOUND for another tenant’s endpoint on every route, and leaves it alone', async () => {
    await call('POST', '/admin/webhook-endpoints', keyA, stripe);
    const [secret] = (await call('GET', '/admin/webhook-endpoints/shop', keyA)).body!.secrets as Array<{ id: string }>;
    const attempts = [
      await call('GET', '/admin/webhook-endpoints/shop', keyB),
      await call('PATCH', '/admin/webhook-endpoints/shop', keyB, { disabled: true }),
      await call('DELETE', '/admin/webhook-endpoints/shop', keyB),
      await call('POST', '/admin/webhook-endpoints/shop/secrets', keyB, { secret: 'whsec_other' }),
      await call('DELETE', `/admin/webhook-endpoints/shop/secrets/${secret!.id}`, keyB),
    ];
    for (const attempt of attempts) expect(attempt).toMatchObject({ status: 404, body: { code: 'ENDPOINT_NOT_FOUND' } });
    expect(await call('GET', '/admin/webhook-endpoints', keyB)).toMatchObject({ status: 200, body: { items: [] } });
    expect(await call('GET', '/admin/webhook-endpoints/shop', keyA)).toMatchObject({ status: 200, body: { disabled: false, secrets: [{ id: secret!.id }] } });
  });

  it('updates, rotates and removes: PATCH 200, POST secrets 201, DELETE secret 200 / 409 LAST_SECRET, DELETE 204, conflict 409', async () => {
    await call('POST', '/admin/webhook-endpoints', keyA, stripe);
    expect(await call('POST', '/admin/webhook-endpoints', keyA, stripe)).toMatchObject({ status: 409, body: { code: 'ENDPOINT_EXISTS' } });
    expect(await call('PATCH', '/admin/webhook-endpoints/shop', keyA, { description: 'live', rateLimit: { perSecond: 10, burst: 20 } })).toMatchObject({
      status: 200,
      body: { description: 'live', rateLimit: { perSecond: 10, burst: 20 } },
    });
    const rotated = await call('POST', '/admin/webhook-endpoints/shop/secrets', keyA, { secret: 'whsec_second-plaintext-secret', expirePreviousAfterSeconds: 3600 });
    expect(rotated.status).toBe(201);
    const [first, second] = rotated.body!.secrets as Array<{ id: string; active: boolean; expiresAt: string | null }>;
    expect([first!.active, second!.active, second!.expiresAt]).toEqual([true, true, null]);
    expect(await call('DELETE', `/admin/webhook-endpoints/shop/secrets/${first!.id}`, keyA)).toMatchObject({ status: 200, body: { secrets: [{ id: second!.id }] } });
    expect(await call('DELETE', `/admin/webhook-endpoints/shop/secrets/${second!.id}`, keyA)).toMatchObject({ status: 409, body: { code: 'LAST_SECRET' } });
    expect(await call('DELETE', '/admin/webhook-endpoints/shop', keyA)).toEqual({ status: 204, body: undefined });
    expect(await call('GET', '/admin/webhook-endpoints/shop', keyA)).toMatchObject({ status: 404, body: { code: 'ENDPOINT_NOT_FOUND' } });
  });
});
