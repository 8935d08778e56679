import { randomBytes, randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { createMessage } from '@junction/contracts';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { PersistenceModule } from '@junction/persistence';
import { HttpErrorFilter } from '@junction/platform';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { IntegrationsModule } from '@junction/integrations';
import { AdminModule } from './admin.module';

const SECRET = 'Bearer PLAINTEXT-token';

/** The dead-letter admin API on a Fastify Nest app over a real database and the memory bus. */
describe('admin API /admin/dead-letters (Fastify, real Postgres)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let bus: MemoryTransport;
  let baseUrl: string;
  let keyA: string;
  let keyB: string;
  let commandsOnly: string;
  const topic = 'dlapi.commands';

  const call = async (method: 'GET' | 'POST' | 'DELETE', path: string, key?: string, payload?: unknown) => {
    const headers: Record<string, string> = { ...(key ? { authorization: `Bearer ${key}` } : {}), ...(payload === undefined ? {} : { 'content-type': 'application/json' }) };
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload === undefined ? undefined : JSON.stringify(payload) });
    const text = await response.text();
    expect(text).not.toContain('PLAINTEXT');
    return { status: response.status, body: text ? (JSON.parse(text) as Record<string, any>) : undefined };
  };

  /** A mirror row as DeadLetterRecorder writes it, for `tenantId`'s command. */
  const seed = async (tenantId: string, reason = 'PROVIDER_VALIDATION') => {
    const c = createMessage('erp.customer.create', { customerName: 'Dead Letter GmbH', customerType: 'Company' }, { tenantId });
    const row = await db.prisma.deadLetter.create({
      data: {
        messageId: c.id,
        topic,
        subscription: 'erp-worker',
        type: c.type,
        reason,
        description: 'ERPNext rejected it',
        deliveryCount: 1,
        rawBody: JSON.stringify(c),
        headers: { 'x-correlation-id': c.correlationId, authorization: SECRET },
      },
    });
    return { c, id: row.id };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    bus = new MemoryTransport();
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 4 }),
        SecurityModule.forRoot({ kek: formatKeyEntry('test', randomBytes(32)) }),
        MessagingModule.forRoot({ bus, consumer: 'webhook-ingress', relay: false }),
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
    await db?.drop();
  });
  beforeEach(async () => {
    await db.prisma.deadLetter.deleteMany();
  });

  it('requires an admin key: 401 without, 403 INSUFFICIENT_SCOPE for a commands key', async () => {
    expect(await call('GET', '/admin/dead-letters')).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    expect(await call('GET', '/admin/dead-letters', commandsOnly)).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
    expect(await call('POST', '/admin/dead-letters/redrive', commandsOnly, { all: true })).toMatchObject({ status: 403 });
    expect(await call('DELETE', '/admin/dead-letters', commandsOnly, { all: true })).toMatchObject({ status: 403 });
  });

  it('lists the tenant’s dead letters with filters and paging, shows one with secret-bearing headers redacted', async () => {
    const a1 = await seed('tenant-a');
    const a2 = await seed('tenant-a', 'MAX_DELIVERIES_EXCEEDED');
    const b = await seed('tenant-b');
    const list = await call('GET', '/admin/dead-letters?limit=1', keyA);
    expect(list).toMatchObject({ status: 200, body: { total: 2, limit: 1, offset: 0 } });
    expect(list.body!.items).toHaveLength(1);
    expect((await call('GET', '/admin/dead-letters?limit=1&offset=1', keyA)).body!.items).toHaveLength(1);
    expect((await call('GET', `/admin/dead-letters?reason=MAX_DELIVERIES_EXCEEDED&topic=${topic}&subscription=erp-worker&type=erp.customer.create`, keyA)).body!.items.map((i: { id: string }) => i.id)).toEqual([a2.id]);
    expect((await call('GET', `/admin/dead-letters?since=${new Date(Date.now() + 60_000).toISOString()}`, keyA)).body!.total).toBe(0);
    expect(await call('GET', '/admin/dead-letters?limit=0', keyA)).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });

    const shown = await call('GET', `/admin/dead-letters/${a1.id}`, keyA);
    expect(shown).toMatchObject({ status: 200, body: { id: a1.id, messageId: a1.c.id, reason: 'PROVIDER_VALIDATION', description: 'ERPNext rejected it', deliveryCount: 1 } });
    expect(shown.body!.headers).toEqual({ 'x-correlation-id': a1.c.correlationId, authorization: '[redacted]' });
    expect(JSON.parse(shown.body!.rawBody as string)).toMatchObject({ id: a1.c.id, tenantId: 'tenant-a' });
    // Another tenant's dead letter does not exist for this key.
    expect(await call('GET', `/admin/dead-letters/${b.id}`, keyA)).toMatchObject({ status: 404, body: { code: 'DEAD_LETTER_NOT_FOUND' } });
    expect(await call('GET', '/admin/dead-letters/not-a-uuid', keyA)).toMatchObject({ status: 404 });
  });

  it('redrives by id (same message id on the bus, the row marked, an audit event) and refuses an ambiguous body', async () => {
    const a = await seed('tenant-a');
    const b = await seed('tenant-b');
    expect(await call('POST', '/admin/dead-letters/redrive', keyA, { ids: [b.id] })).toMatchObject({ status: 404, body: { code: 'DEAD_LETTER_NOT_FOUND' } });
    expect(await call('POST', '/admin/dead-letters/redrive', keyA, { all: true, filter: { topic } })).toMatchObject({ status: 400, body: { code: 'VALIDATION_FAILED' } });

    const redriven = await call('POST', '/admin/dead-letters/redrive', keyA, { ids: [a.id] });
    expect(redriven).toMatchObject({ status: 200, body: { dryRun: false, matched: 1, remaining: 0 } });
    // No subscription takes this test topic: the republished message waits as unrouted, with its original id.
    const { messages } = await bus.peekUnrouted(topic, 10);
    expect(messages.map((m) => [m.messageId, m.headers['junction-redrive-count'], m.headers.authorization])).toEqual([[a.c.id, '1', SECRET]]);
    expect((await call('GET', `/admin/dead-letters/${a.id}`, keyA)).body!.redrivenAt).toEqual(expect.any(String));
    expect(await db.prisma.auditEvent.findMany({ where: { action: 'dead-letter.redriven' } })).toEqual([
      expect.objectContaining({ subject: a.id, tenantId: 'tenant-a', actor: expect.stringMatching(/^admin:/), outcome: 'ok' }),
    ]);
    // A filter takes only open rows of the caller's tenant: tenant-a has none left.
    expect((await call('POST', '/admin/dead-letters/redrive', keyA, { filter: { topic } })).body).toMatchObject({ matched: 0 });
  });

  it('purges with a dry run first; only the caller tenant’s rows go', async () => {
    await seed('tenant-a');
    await seed('tenant-a');
    const b = await seed('tenant-b');
    expect((await call('DELETE', '/admin/dead-letters', keyA, { all: true, dryRun: true })).body).toMatchObject({ dryRun: true, matched: 2 });
    expect(await db.prisma.deadLetter.count()).toBe(3);
    expect((await call('DELETE', '/admin/dead-letters', keyA, { all: true })).body).toMatchObject({ dryRun: false, matched: 2 });
    expect((await db.prisma.deadLetter.findMany()).map((r) => r.id)).toEqual([b.id]);
    expect((await call('GET', '/admin/dead-letters', keyB)).body!.total).toBe(1);
    expect(await db.prisma.auditEvent.count({ where: { action: 'dead-letter.purged', tenantId: 'tenant-a', subject: 'all' } })).toBe(1);
    expect(await call('DELETE', '/admin/dead-letters', keyA, { ids: [randomUUID()] })).toMatchObject({ status: 404 });
  });
});
