import { randomBytes, randomUUID } from 'node:crypto';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Webhook } from 'standardwebhooks';
import { MemoryTransport, MessagingModule } from '@junction/messaging';
import { AuditEventRepository, PersistenceModule, WebhookEndpointRepository } from '@junction/persistence';
import { CredentialService, formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { WebhookEndpointService } from '@junction/webhooks';
import { WebhooksModule } from './webhooks.module';

/** A bus that takes 8 KiB messages: the endpoint's own body limit (256 KiB by default) is far above it. */
const BUS_LIMIT = 8_192;
const SECRET = `whsec_${randomBytes(24).toString('base64')}`;

/**
 * The webhook intake over real HTTP and a real database, with a bus smaller than the endpoint's body limit (as
 * Service Bus Standard's 256 KiB is smaller than what a provider may send): what could never be published is
 * refused before it is acknowledged.
 */
describe('POST /webhooks/:provider/:endpointId and the bus size limit (Fastify, real Postgres)', () => {
  let db: TestDatabase;
  let app: NestFastifyApplication;
  let baseUrl: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    const bus = new MemoryTransport(undefined, BUS_LIMIT);
    const moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url, poolMax: 3 }),
        MessagingModule.forRoot({ bus, consumer: 'webhook-ingress', relay: false }),
        SecurityModule.forRoot({ kek: formatKeyEntry('test-1', randomBytes(32)) }),
        WebhooksModule,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    baseUrl = await app.getUrl();
    const endpoints = new WebhookEndpointService(db.prisma, new WebhookEndpointRepository(db.prisma), app.get(CredentialService), new AuditEventRepository(db.prisma));
    await endpoints.create({ tenantId: 't1', actor: 'test' }, { id: 'svix-1', provider: 'svix', scheme: 'standard-webhooks', secrets: [SECRET] });
  });
  afterAll(async () => {
    await app?.close();
    await db?.drop();
  });

  /** Signed by the Standard Webhooks library, as a provider would. */
  const deliver = async (payload: object) => {
    const body = JSON.stringify(payload);
    const id = `msg_${randomUUID()}`;
    const at = new Date();
    const response = await fetch(`${baseUrl}/webhooks/svix/svix-1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': new Webhook(SECRET).sign(id, at, body) },
      body,
    });
    return { status: response.status, body: (await response.json()) as Record<string, unknown>, bytes: Buffer.byteLength(body) };
  };
  const stored = async () => ({ inbox: await db.prisma.inboxMessage.count(), outbox: await db.prisma.outboxMessage.count() });

  it('answers 413 PAYLOAD_TOO_LARGE to a webhook whose message would not fit the bus, storing neither an inbox nor an outbox row; what fits is accepted', async () => {
    const sized = (bytes: number) => {
      const payload = { type: 'user.created', blob: '' };
      payload.blob = 'x'.repeat(bytes - Buffer.byteLength(JSON.stringify(payload)));
      return payload;
    };
    const first = await stored();
    // A body of half the bus's limit makes a message that fits: accepted, inbox and outbox rows committed.
    expect(await deliver(sized(BUS_LIMIT / 2))).toMatchObject({ status: 200, bytes: BUS_LIMIT / 2, body: { duplicate: false } });
    const before = await stored();
    expect(before).toEqual({ inbox: first.inbox + 1, outbox: first.outbox + 1 });

    // A body under the bus's limit whose envelope takes it over, and one far over it (the endpoint's limit is 256 KiB).
    for (const bytes of [BUS_LIMIT - 200, BUS_LIMIT * 4]) {
      const answer = await deliver(sized(bytes));
      expect(answer.bytes).toBe(bytes);
      expect(answer).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE', message: expect.stringContaining(`over the message bus's limit of ${BUS_LIMIT} bytes`) } });
    }
    expect(await stored()).toEqual(before);
  });
});
