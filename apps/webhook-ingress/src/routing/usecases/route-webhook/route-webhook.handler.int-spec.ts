import { randomBytes } from 'node:crypto';
import { Test, type TestingModule } from '@nestjs/testing';
import { createMessage, type MessageOf } from '@junction/contracts';
import { MemoryTransport, MessagingModule, settlementForFailure } from '@junction/messaging';
import { PersistenceModule } from '@junction/persistence';
import { formatKeyEntry, SecurityModule } from '@junction/security';
import { createTestDatabase, outboxCausedBy, type TestDatabase } from '@junction/testing';
import { MappingError, shopifyOrdersCreateRoute, shopifyOrdersCreateSample, shopifyOrdersCreateSampleCommand, type RouteRule } from '@junction/webhooks';
import { RoutingModule } from '../../routing.module';
import { RouteWebhookHandler } from './route-webhook.handler';
import { routedCommandId } from './routed-command.id';

/** The router against real Postgres: endpoint routes from the table, commands in the outbox, once. */
describe('RouteWebhookHandler (Postgres)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let handler: RouteWebhookHandler;
  let n = 0;

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [
        PersistenceModule.forRoot({ databaseUrl: db.url }),
        MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'webhook-ingress', relay: false }),
        SecurityModule.forRoot({ kek: formatKeyEntry('test-1', randomBytes(32)) }),
        RoutingModule,
      ],
    }).compile();
    await moduleRef.init();
    handler = moduleRef.get(RouteWebhookHandler);
  });

  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
  });

  const endpoint = async (routes: RouteRule[] = [shopifyOrdersCreateRoute], over: { tenantId?: string; disabledAt?: Date } = {}) => {
    const id = `shop-${++n}`;
    await db.prisma.webhookEndpoint.create({ data: { id, tenantId: 't1', provider: 'shopify', scheme: 'shopify', routes: routes as never, ...over } });
    return id;
  };
  const received = (endpointId: string, payload: unknown = shopifyOrdersCreateSample(), eventType = 'orders/create'): MessageOf<'webhooks.received'> =>
    createMessage(
      'webhooks.received',
      {
        endpointId,
        provider: 'shopify',
        eventType,
        eventId: `evt-${n}-${Math.random()}`,
        receivedAt: new Date().toISOString(),
        headers: { 'x-shopify-topic': eventType, 'x-shopify-shop-domain': 'jsmith.myshopify.com' },
        payload,
      },
      { tenantId: 't1' },
    );
  const outboxOf = (id: string) => outboxCausedBy(db, id);
  const marks = (id: string) => db.prisma.processedMessage.count({ where: { messageId: id } });

  it('writes the Shopify order as one erp.sales-order.create to the outbox, caused by the event', async () => {
    const event = received(await endpoint());
    await handler.execute(event);

    const rows = await outboxOf(event.id);
    expect(rows).toHaveLength(1);
    const [row] = rows;
    const commandId = routedCommandId(event.id, 'shopify-orders-to-erp', 0);
    expect(row).toMatchObject({ id: commandId, type: 'erp.sales-order.create', topic: 'erp.commands', sessionId: 'customer:shipping company' });
    expect(row!.body).toMatchObject({ id: commandId, type: 'erp.sales-order.create', version: 1, tenantId: 't1', correlationId: event.correlationId, causationId: event.id });
    expect((row!.body as { payload: unknown }).payload).toEqual(shopifyOrdersCreateSampleCommand);
    expect(await marks(event.id)).toBe(1);
  });

  it('adds nothing when the same event is handled again, also concurrently', async () => {
    const event = received(await endpoint());
    await handler.execute(event);
    await handler.execute(event);
    expect(await outboxOf(event.id)).toHaveLength(1);

    const racing = received(await endpoint());
    await Promise.all([handler.execute(racing), handler.execute(racing)]);
    expect(await outboxOf(racing.id)).toHaveLength(1);
    expect(await marks(racing.id)).toBe(1);
  });

  it('throws MappingError (dead-lettered at once as MAPPING_FAILED) and writes nothing when the mapping fails', async () => {
    const order = shopifyOrdersCreateSample();
    order.line_items = [];
    const event = received(await endpoint(), order);

    const error = await handler.execute(event).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MappingError);
    expect(error).toMatchObject({ code: 'MAPPING_FAILED', retryable: false, route: 'shopify-orders-to-erp' });
    expect(settlementForFailure(error, 1)).toMatchObject({ action: 'dead-letter', reason: 'MAPPING_FAILED', description: expect.stringMatching(/^route "shopify-orders-to-erp": .*items: /) });
    expect(await outboxOf(event.id)).toHaveLength(0);
    expect(await marks(event.id)).toBe(0);
  });

  it('publishes nothing of an event when one of its routes fails, though another succeeded', async () => {
    const failing: RouteRule = { name: 'always-fails', eventTypes: ['orders/*'], command: 'erp.customer.create', mapping: '{"customerName": ""}' };
    const event = received(await endpoint([shopifyOrdersCreateRoute, failing]));
    await expect(handler.execute(event)).rejects.toMatchObject({ code: 'MAPPING_FAILED', route: 'always-fails' });
    expect(await outboxOf(event.id)).toHaveLength(0);
  });

  it('fails a runaway mapping fast, as MAPPING_FAILED', async () => {
    const runaway: RouteRule = { ...shopifyOrdersCreateRoute, mapping: '($x := function(){ $x() }; $x())' };
    const event = received(await endpoint([runaway]));
    const started = performance.now();
    await expect(handler.execute(event)).rejects.toMatchObject({ code: 'MAPPING_FAILED', retryable: false });
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('acknowledges without publishing when no route matches the event type', async () => {
    const event = received(await endpoint(), shopifyOrdersCreateSample(), 'orders/updated');
    await handler.execute(event);
    expect(await outboxOf(event.id)).toHaveLength(0);
  });

  it('acknowledges without publishing when the endpoint was deleted, disabled or is now another tenant’s', async () => {
    const deleted = await endpoint();
    await db.prisma.webhookEndpoint.delete({ where: { id: deleted } });
    const disabled = await endpoint(undefined, { disabledAt: new Date() });
    const foreign = await endpoint(undefined, { tenantId: 't2' });
    for (const id of [deleted, disabled, foreign, 'never-existed']) {
      const event = received(id);
      await handler.execute(event);
      expect(await outboxOf(event.id)).toHaveLength(0);
    }
  });

  it('dead-letters events of an endpoint whose stored routes no longer compile', async () => {
    const id = await endpoint();
    await db.prisma.webhookEndpoint.update({ where: { id }, data: { routes: [{ ...shopifyOrdersCreateRoute, mapping: '{"a": ' }] } });
    const event = received(id);
    await expect(handler.execute(event)).rejects.toMatchObject({ code: 'MAPPING_FAILED', retryable: false, message: expect.stringMatching(/^endpoint shop-\d+: route "shopify-orders-to-erp": mapping does not compile/) });
    expect(await outboxOf(event.id)).toHaveLength(0);
  });

  it('uses the changed routes once the endpoint row changes and its 5 s memo has passed', async () => {
    const id = await endpoint();
    const first = received(id);
    await handler.execute(first);
    const renamed = shopifyOrdersCreateRoute.mapping.replace('"externalRef": "shopify:" & $orderId', '"externalRef": "shop-a:" & $orderId');
    await db.prisma.webhookEndpoint.update({ where: { id }, data: { routes: [{ ...shopifyOrdersCreateRoute, mapping: renamed }] } });
    const second = received(id);
    const later = Date.now() + 5_001;
    const clock = jest.spyOn(Date, 'now').mockReturnValue(later);
    try {
      await handler.execute(second);
    } finally {
      clock.mockRestore();
    }
    const [row] = await outboxOf(second.id);
    expect((row!.body as { payload: { externalRef: string } }).payload.externalRef).toBe('shop-a:5654845784239');
  });
});
