import { randomBytes, randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { MemoryBroker, MemoryTransport, MessagingModule } from '@junction/messaging';
import { ApiKeyRepository, AuditEventRepository, PersistenceModule } from '@junction/persistence';
import { HttpErrorFilter, parseEnv } from '@junction/platform';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { type ActorContext, ApiKeyService } from '@junction/webhooks';
import { ingressEnvSchema } from '../config/env';
import { CommandsModule } from './commands.module';

const A: ActorContext = { tenantId: 'tenant-a', actor: 'cli' };
/** The operator's JUNCTION_API_KEY in another format than `jk_…`. */
const PLAIN_KEY = 'plain-operator-key-0123456789abcdef';
/** Small, so that a realistic command can be too large for the bus. */
const BUS_MAX_BYTES = 4_096;

const customer = (over: Record<string, unknown> = {}) => ({ type: 'erp.customer.create', payload: { customerName: 'Acme GmbH', customerType: 'Company' }, ...over });
const salesOrder = (items: number, over: Record<string, unknown> = {}) => ({
  type: 'erp.sales-order.create',
  payload: {
    externalRef: 'shop:1001',
    customerName: 'Acme GmbH',
    transactionDate: '2026-01-05',
    deliveryDate: '2026-01-12',
    currency: 'EUR',
    items: Array.from({ length: items }, (_, i) => ({ itemCode: `SKU-${String(i).padStart(5, '0')}`, itemName: `Item number ${i}`, qty: 1, rate: 9.5 })),
  },
  ...over,
});

/**
 * POST /commands as webhook-ingress wires it (CommandsModule.forRoot(env)) on Fastify over a real database, with the
 * relay off so that what the edge wrote to the outbox stays there to be looked at.
 */
describe('POST /commands: API keys, tenancy and size (Fastify, real Postgres)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let baseUrl: string;
  let apiKeys: ApiKeyService;

  const post = async (key: string | undefined, body: unknown) => {
    const response = await fetch(`${baseUrl}/commands`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    // No key material in any answer.
    if (key && key.length > 20) expect(text).not.toContain(key.slice(16));
    return { status: response.status, body: JSON.parse(text) as Record<string, any> };
  };
  const outbox = async () => (await db.prisma.outboxMessage.findMany()).map((row) => JSON.parse(row.body) as Record<string, any>);
  const recorded = (id: string) => db.prisma.processedMessage.count({ where: { messageId: id } });
  const key = async (scopes: Array<'admin' | 'commands'>, ctx: ActorContext = A) => (await apiKeys.create(ctx, { name: scopes.join('+'), scopes })).key;

  beforeAll(async () => {
    db = await createTestDatabase();
    const env = parseEnv(
      ingressEnvSchema,
      { DATABASE_URL: db.url, TENANT_ID: 'tenant-env', JUNCTION_API_KEY: PLAIN_KEY, JUNCTION_KEK: formatKeyEntry('test', randomBytes(32)) },
      'webhook-ingress',
    );
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 3 }),
        MessagingModule.forRoot({ bus: new MemoryTransport(new MemoryBroker(), BUS_MAX_BYTES), consumer: 'webhook-ingress', relay: false }),
        CommandsModule.forRoot(env),
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    app.useGlobalFilters(new HttpErrorFilter());
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await db.prisma.outboxMessage.deleteMany();
  });

  it('accepts a stored key with the commands scope; the envelope carries the key’s tenant', async () => {
    const commands = await key(['commands']);
    const accepted = await post(commands, customer());
    expect(accepted).toMatchObject({ status: 202, body: { type: 'erp.customer.create', duplicate: false } });
    // The same tenant named in the body is fine too.
    expect(await post(commands, customer({ tenantId: 'tenant-a' }))).toMatchObject({ status: 202 });
    const written = await outbox();
    expect(written).toHaveLength(2);
    for (const envelope of written) expect(envelope).toMatchObject({ type: 'erp.customer.create', tenantId: 'tenant-a' });
    expect(written.map((e) => e.id)).toContain(accepted.body.id);
  });

  it('answers 403 INSUFFICIENT_SCOPE to a valid admin-only key and writes nothing', async () => {
    const adminOnly = await key(['admin']);
    const id = randomUUID();
    expect(await post(adminOnly, customer({ id }))).toMatchObject({ status: 403, body: { code: 'INSUFFICIENT_SCOPE' } });
    expect(await outbox()).toEqual([]);
    expect(await recorded(id)).toBe(0);
  });

  it('answers 401 UNAUTHORIZED to a key once it is revoked, and to a missing, wrong or malformed key', async () => {
    const commands = await key(['commands']);
    expect(await post(commands, customer())).toMatchObject({ status: 202 });
    await apiKeys.revoke(A, commands.slice(3, 15));
    await db.prisma.outboxMessage.deleteMany();

    const wrong = `${commands.slice(0, -2)}${commands.endsWith('xx') ? 'yy' : 'xx'}`;
    for (const presented of [commands, wrong, undefined, 'jk_short', `${PLAIN_KEY}x`]) {
      expect(await post(presented, customer())).toMatchObject({ status: 401, body: { code: 'UNAUTHORIZED' } });
    }
    expect(await outbox()).toEqual([]);
  });

  it('refuses a body tenantId of another tenant with 403 TENANT_MISMATCH, writing nothing and not using up the id', async () => {
    const commands = await key(['commands']);
    const id = randomUUID();
    expect(await post(commands, customer({ id, tenantId: 'tenant-b' }))).toMatchObject({ status: 403, body: { code: 'TENANT_MISMATCH' } });
    expect(await outbox()).toEqual([]);
    expect(await recorded(id)).toBe(0);
    // The same command for the key's own tenant is a first, not a duplicate.
    expect(await post(commands, customer({ id }))).toMatchObject({ status: 202, body: { id, duplicate: false } });
  });

  it('refuses a command too large for the bus with 413 PAYLOAD_TOO_LARGE before writing it', async () => {
    // Whichever key: the size check does not depend on how the caller authenticated.
    const commands = PLAIN_KEY;
    const id = randomUUID();
    const tooLarge = salesOrder(60, { id });
    expect(JSON.stringify(tooLarge).length).toBeGreaterThan(BUS_MAX_BYTES);
    const refused = await post(commands, tooLarge);
    expect(refused).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(refused.body.message).toContain(String(BUS_MAX_BYTES));
    expect(await outbox()).toEqual([]);
    expect(await recorded(id)).toBe(0);
    // One that fits, under the same id, is accepted.
    expect(await post(commands, salesOrder(2, { id }))).toMatchObject({ status: 202, body: { id, duplicate: false } });
  });

  it('keeps a plain JUNCTION_API_KEY working for TENANT_ID only: another tenant in the body is 403', async () => {
    const accepted = await post(PLAIN_KEY, customer());
    expect(accepted).toMatchObject({ status: 202 });
    expect(await outbox()).toEqual([expect.objectContaining({ id: accepted.body.id, tenantId: 'tenant-env' })]);

    const id = randomUUID();
    expect(await post(PLAIN_KEY, customer({ id, tenantId: 'tenant-a' }))).toMatchObject({ status: 403, body: { code: 'TENANT_MISMATCH' } });
    expect(await outbox()).toHaveLength(1);
    expect(await recorded(id)).toBe(0);
  });
});
