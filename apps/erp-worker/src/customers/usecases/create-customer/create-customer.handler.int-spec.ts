import { Test, type TestingModule } from '@nestjs/testing';
import { createMessage, type MessageOf } from '@junction/contracts';
import { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import { CommandStep, EffectStepErrorCodes, MemoryTransport, MessagingModule, OutboxRelay, type DeliveredMessage } from '@junction/messaging';
import { EffectLedgerRepository, PersistenceModule } from '@junction/persistence';
import { ResilienceModule } from '@junction/platform';
import { IntegrationError, ResiliencePipelines } from '@junction/resilience';
import { createTestDatabase, outboxCausedBy, withPgClient, type TestDatabase } from '@junction/testing';
import { ErpNextCalls } from '../../../erpnext/erpnext-calls';
import { ErpNextConnections } from '../../../erpnext/erpnext-connections';
import { CreateCustomerHandler } from './create-customer.handler';

/** Every command on one client: the sandbox fallback (no connection rows in these tests). */
const on = (client: ErpNextClient) => new ErpNextConnections({ fallback: { kind: 'sandbox', client }, timeoutMs: 2_000 });

/** The use case against real Postgres and the ERPNext sandbox: effects, events and their exactly-once-ness. */
describe('CreateCustomerHandler (Postgres + ERPNext sandbox)', () => {
  const sandbox = new ErpNextSandbox({ apiKey: 'k', apiSecret: 'secret-value' });
  const bus = new MemoryTransport();
  const published: DeliveredMessage[] = [];
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let handler: CreateCustomerHandler;
  let relay: OutboxRelay;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    await sandbox.start();
    await bus.subscribe(
      { topic: 'erp.events', subscription: 'observer', types: ['erp.customer.created', 'erp.customer.create.failed'], maxDeliveryCount: 3, concurrency: 1 },
      async (m) => {
        published.push(m);
        return { action: 'complete' };
      },
    );
    moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url }),
        MessagingModule.forRoot({ bus, consumer: 'erp-worker', relay: false }),
        // Fast retries so an outage test does not wait on the production backoff.
        ResilienceModule.forRoot({ tenantId: 't1', overrides: { erpnext: { retry: { maxAttempts: 2, baseDelayMs: 10, maxDelayMs: 20 } } } }),
      ],
      providers: [CreateCustomerHandler, ErpNextCalls, { provide: ErpNextConnections, useValue: on(new ErpNextClient({ baseUrl: sandbox.url, apiKey: 'k', apiSecret: 'secret-value', timeoutMs: 2_000 })) }],
    }).compile();
    await moduleRef.init();
    handler = moduleRef.get(CreateCustomerHandler);
    relay = moduleRef.get(OutboxRelay);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await sandbox.stop();
    await db?.drop();
  });

  const command = (over: Partial<MessageOf<'erp.customer.create'>['payload']> = {}) =>
    createMessage('erp.customer.create', { customerName: `Customer ${++n}`, customerType: 'Company', ...over }, { tenantId: 't1' });
  const posts = () => sandbox.requests.filter((r) => r.method === 'POST').length;
  const outboxOf = (id: string) => outboxCausedBy(db, id);

  it('creates the Customer, records the effect and queues erp.customer.created in one transaction', async () => {
    const c = command();
    await handler.execute(c);
    expect(sandbox.documents('Customer').map((d) => d.name)).toContain(c.payload.customerName);
    const [event] = await outboxOf(c.id);
    expect(event).toMatchObject({ type: 'erp.customer.created', topic: 'erp.events' });
    expect(event!.body).toMatchObject({ causationId: c.id, correlationId: c.correlationId, tenantId: 't1', payload: { alreadyExisted: false } });
    expect(await moduleRef.get(EffectLedgerRepository).find('erp-worker', c.id, 'customer.create')).toMatchObject({ outcome: 'created', externalRef: c.payload.customerName });

    // The relay moves it to the broker once.
    await relay.drain();
    await relay.drain();
    await new Promise((r) => setTimeout(r, 50));
    expect(published.filter((m) => (m.body as { causationId: string }).causationId === c.id)).toHaveLength(1);
  });

  it('acknowledges a redelivered command without calling ERPNext or publishing again', async () => {
    const c = command();
    await handler.execute(c);
    const before = sandbox.requests.length;
    await handler.execute(c);
    expect(sandbox.requests.length).toBe(before);
    expect(await outboxOf(c.id)).toHaveLength(1);
  });

  it('lets only one of two concurrent deliveries of the same command reach ERPNext; the other is redelivered later', async () => {
    // The first delivery is held inside its ERPNext look-up while the second arrives.
    let entered!: () => void;
    const inCall = new Promise<void>((resolve) => (entered = resolve));
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    class Gated extends ErpNextClient {
      override async findCustomerByName(...args: Parameters<ErpNextClient['findCustomerByName']>) {
        entered();
        await gate;
        return super.findCustomerByName(...args);
      }
    }
    const client = new Gated({ baseUrl: sandbox.url, apiKey: 'k', apiSecret: 'secret-value', timeoutMs: 2_000 });
    const h = new CreateCustomerHandler(moduleRef.get(CommandStep), new ErpNextCalls(on(client), moduleRef.get(ResiliencePipelines)));
    const c = command();
    const before = posts();
    const first = h.execute(c);
    await inCall;

    // The second finds the first's live claim: a retryable, classified deferral whose delay is the claim's remaining
    // lease (the bus redelivers it then), never a second effect and never a wait holding a pooled connection.
    const error = (await h.execute(c).then(() => undefined, (e: unknown) => e)) as { retryAfterMs: number };
    expect(error).toMatchObject({ code: EffectStepErrorCodes.commandClaimed, retryable: true });
    expect(error.retryAfterMs).toBeGreaterThan(50_000);

    open();
    await first;
    await h.execute(c); // the deferred delivery, redelivered: acknowledged without effects
    expect(posts() - before).toBe(1);
    expect(await outboxOf(c.id)).toHaveLength(1);
  });

  it('holds no database transaction while ERPNext is called', async () => {
    const openTransactions: number[] = [];
    class Observed extends ErpNextClient {
      override async createCustomer(...args: Parameters<ErpNextClient['createCustomer']>) {
        openTransactions.push(
          await withPgClient(db.url, async (pg) => {
            const { rows } = await pg.query<{ n: number }>(
              `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'`,
            );
            return rows[0]!.n;
          }),
        );
        return super.createCustomer(...args);
      }
    }
    const client = new Observed({ baseUrl: sandbox.url, apiKey: 'k', apiSecret: 'secret-value', timeoutMs: 2_000 });
    const h = new CreateCustomerHandler(moduleRef.get(CommandStep), new ErpNextCalls(on(client), moduleRef.get(ResiliencePipelines)));
    const c = command();
    await h.execute(c);
    expect(openTransactions).toEqual([0]);
    expect(await outboxOf(c.id)).toHaveLength(1);
  });

  it('reports a Customer that already exists (crash between create and commit) instead of creating another', async () => {
    const c = command();
    await new ErpNextClient({ baseUrl: sandbox.url, apiKey: 'k', apiSecret: 'secret-value' }).createCustomer({ customer_name: c.payload.customerName, customer_type: 'Company' });
    const before = posts();
    await handler.execute(c);
    expect(posts()).toBe(before);
    const [event] = await outboxOf(c.id);
    expect(event!.body).toMatchObject({ type: 'erp.customer.created', payload: { alreadyExisted: true } });
  });

  it('answers data ERPNext rejects with erp.customer.create.failed, once', async () => {
    const c = command({ customerGroup: 'No Such Group' });
    await handler.execute(c);
    await handler.execute(c);
    const events = await outboxOf(c.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.body).toMatchObject({ type: 'erp.customer.create.failed', payload: { code: 'PROVIDER_VALIDATION' } });
    expect((events[0]!.body as { payload: { message: string } }).payload.message).toMatch(/No Such Group/);
  });

  it('rides out one 503 inside the call (the look-up is idempotent)', async () => {
    const c = command();
    sandbox.faults.set({ failNext: { count: 1, status: 503 } });
    await handler.execute(c);
    expect(await outboxOf(c.id)).toHaveLength(1);
  });

  it('never repeats a create whose response was lost; the redelivery finds the Customer instead of making "Name - 1"', async () => {
    // ERPNext created the Customer, but the answer never arrived (a timeout after the write).
    class LostResponse extends ErpNextClient {
      lost = 1;
      override async createCustomer(...args: Parameters<ErpNextClient['createCustomer']>) {
        const created = await super.createCustomer(...args);
        if (this.lost-- > 0) throw new IntegrationError('timeout', 'ERPNext did not answer in time', { provider: 'erpnext', operation: 'createCustomer' });
        return created;
      }
    }
    const client = new LostResponse({ baseUrl: sandbox.url, apiKey: 'k', apiSecret: 'secret-value', timeoutMs: 2_000 });
    const h = new CreateCustomerHandler(moduleRef.get(CommandStep), new ErpNextCalls(on(client), moduleRef.get(ResiliencePipelines)));
    const c = command();

    await expect(h.execute(c)).rejects.toMatchObject({ errorClass: 'timeout', retryable: true });
    await h.execute(c); // the broker's redelivery

    const named = sandbox.documents('Customer').filter((d) => String(d.customer_name) === c.payload.customerName);
    expect(named).toHaveLength(1);
    const [event] = await outboxOf(c.id);
    expect(event!.body).toMatchObject({ type: 'erp.customer.created', payload: { alreadyExisted: true, erpName: c.payload.customerName } });
  });

  it('commits nothing when ERPNext is down, so the message redelivery does the work', async () => {
    const c = command();
    sandbox.faults.set({ failNext: { count: 2, status: 503 } });
    await expect(handler.execute(c)).rejects.toMatchObject({ errorClass: 'server', retryable: true });
    expect(await db.prisma.processedMessage.count({ where: { messageId: c.id } })).toBe(0);
    expect(await outboxOf(c.id)).toHaveLength(0);
    // The failed attempt released its claim: the redelivery claims at once instead of waiting out the lease.
    const released = await db.prisma.commandClaim.findUnique({ where: { consumer_messageId: { consumer: 'erp-worker', messageId: c.id } } });
    expect(released!.leaseUntil.getTime()).toBeLessThan(Date.now());
    await handler.execute(c);
    expect(await outboxOf(c.id)).toHaveLength(1);
    expect(await db.prisma.commandClaim.count({ where: { messageId: c.id } })).toBe(0);
  });

  it('throws (to dead-letter for redrive) when ERPNext rejects the credentials, without leaking them', async () => {
    const wrong = new ErpNextClient({ baseUrl: sandbox.url, apiKey: 'k', apiSecret: 'wrong-secret-value', timeoutMs: 2_000 });
    const h = new CreateCustomerHandler(moduleRef.get(CommandStep), new ErpNextCalls(on(wrong), moduleRef.get(ResiliencePipelines)));
    const c = command();
    const error = (await h.execute(c).then(() => undefined, (e: unknown) => e)) as Error;
    expect(error).toMatchObject({ errorClass: 'auth', retryable: false });
    expect(JSON.stringify({ ...error, message: error.message })).not.toContain('wrong-secret-value');
    expect(await db.prisma.processedMessage.count({ where: { messageId: c.id } })).toBe(0);
  });
});
