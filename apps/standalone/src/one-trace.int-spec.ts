import { randomBytes, randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { getHmac } from '@shopify/shopify-api/test-helpers';
import type { MessageOf } from '@junction/contracts';
import { MemoryBroker, MemoryTransport, type DeliveredMessage } from '@junction/messaging';
import { parseEnv, startApp, type RunningApp } from '@junction/platform';
import { formatKeyEntry } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { WebhookEndpointService, type RouteRule } from '@junction/webhooks';
import { erpWorker } from '../../erp-worker/src/app.definition';
import { webhookIngress } from '../../webhook-ingress/src/app.definition';

/** A Shopify customer becomes an ERPNext customer: the route this test's endpoint carries. */
const customersRoute: RouteRule = {
  name: 'shopify-customers-to-erp',
  eventTypes: ['customers/create'],
  command: 'erp.customer.create',
  mapping: '{ "customerName": first_name & " " & last_name, "customerType": "Individual", "email": email }',
};

/**
 * One trace end to end, as the apps run it: a Shopify-signed webhook over HTTP → inbox + outbox → relay → bus → the
 * router (webhook-ingress) → erp.customer.create in the outbox → relay → bus → erp-worker → the ERPNext sandbox over
 * HTTP → erp.customer.created in the outbox → relay → bus. webhook-ingress and erp-worker start as `npm start` starts
 * them (startApp, one MemoryBroker, real Postgres, the in-process ERPNext sandbox); an in-memory exporter collects
 * every span, and the test asserts the parent chain and the semantic-convention attributes of each hop.
 */
describe('one trace from a signed webhook to erp.customer.created (real Postgres, memory bus, ERPNext sandbox)', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const kek = formatKeyEntry('test', randomBytes(32));
  const secret = randomBytes(16).toString('hex');
  const broker = new MemoryBroker();
  const observer = new MemoryTransport(broker);
  const created: DeliveredMessage[] = [];
  let db: TestDatabase;
  let apps: RunningApp[] = [];

  beforeAll(async () => {
    provider.register();
    db = await createTestDatabase();
    const base = { BUS: 'memory', DATABASE_URL: db.url, DATABASE_POOL_MAX: '3', JUNCTION_KEK: kek, HOST: '127.0.0.1', PORT: '0', LOG_LEVEL: 'silent', TENANT_ID: 't1' };
    // Consumers first, as standalone starts them.
    const erp = await startApp(erpWorker, parseEnv(erpWorker.envSchema, { ...base, JUNCTION_KEK: undefined, ERPNEXT_SANDBOX_PORT: '0' }, erpWorker.name) as never, {
      bus: new MemoryTransport(broker),
    });
    apps.push(erp);
    const ingress = await startApp(webhookIngress, parseEnv(webhookIngress.envSchema, base, webhookIngress.name) as never, { bus: new MemoryTransport(broker) });
    apps.push(ingress);
    await observer.subscribe({ topic: 'erp.events', subscription: 'trace-observer', types: ['erp.customer.created'], maxDeliveryCount: 3, concurrency: 1 }, async (m) => {
      created.push(m);
      return { action: 'complete' };
    });
    await ingress.app
      .get(WebhookEndpointService)
      .create({ tenantId: 't1', actor: 'test' }, { id: 'shop-trace', provider: 'shopify', scheme: 'shopify', secrets: [secret], routes: [customersRoute] });
  }, 60_000);

  afterAll(async () => {
    for (const app of apps.reverse()) await app.stop();
    apps = [];
    await observer.close();
    await db?.drop();
    await provider.shutdown();
  });

  /** Signed with Shopify's own helper, headers as Shopify sends them. */
  const deliver = async (customer: object, eventId: string) => {
    const body = JSON.stringify(customer);
    const response = await fetch(`${apps[1]!.url}/webhooks/shopify/shop-trace`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-shopify-topic': 'customers/create',
        'x-shopify-shop-domain': 'junction-trace.myshopify.com',
        'x-shopify-api-version': '2025-10',
        'x-shopify-webhook-id': randomUUID(),
        'x-shopify-event-id': eventId,
        'x-shopify-triggered-at': new Date().toISOString(),
        'x-shopify-hmac-sha256': getHmac(body, secret),
      },
      body,
    });
    return { status: response.status, body: (await response.json()) as { id: string } };
  };

  const spans = () => exporter.getFinishedSpans();
  const until = async <T>(find: () => T | undefined, what: string, ms = 15_000): Promise<T> => {
    for (const deadline = Date.now() + ms; Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
      const found = find();
      if (found !== undefined) return found;
    }
    throw new Error(`timed out waiting for ${what}; spans: ${spans().map((s) => s.name).join(', ')}`);
  };
  /** The one span with this name and message id (or other attribute), once it has ended. */
  const span = (name: string, attributes: Record<string, unknown> = {}) =>
    until(() => {
      const found = spans().filter((s) => s.name === name && Object.entries(attributes).every(([k, v]) => s.attributes[k] === v));
      expect(found.length).toBeLessThanOrEqual(1);
      return found[0];
    }, `span "${name}" ${JSON.stringify(attributes)}`);
  const parentOf = (s: ReadableSpan) => s.parentSpanContext?.spanId;
  const id = (s: ReadableSpan) => s.spanContext().spanId;

  it('keeps one trace id from the webhook request to the event, each hop a child of the one before', async () => {
    const run = randomUUID().slice(0, 8);
    const answer = await deliver({ id: 1, first_name: 'Trace', last_name: `Customer ${run}`, email: `trace-${run}@example.com` }, `evt-${run}`);
    expect(answer).toMatchObject({ status: 200, body: { duplicate: false } });
    const receivedId = answer.body.id;

    const event = await until(() => created.find((m) => (m.body as MessageOf<'erp.customer.created'>).payload.customerName === `Trace Customer ${run}`), 'erp.customer.created');
    const eventBody = event.body as MessageOf<'erp.customer.created'>;
    const commandId = eventBody.causationId!;

    // webhook-ingress: the HTTP request, the message it creates, the inbox write, the relay's send.
    const server = await span('POST /webhooks/:provider/:endpointId');
    expect(server.kind).toBe(SpanKind.SERVER);
    expect(parentOf(server)).toBeUndefined();
    expect(server.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.route': '/webhooks/:provider/:endpointId',
      'url.path': '/webhooks/shopify/shop-trace',
      'url.scheme': 'http',
      'http.response.status_code': 200,
    });
    const traceId = server.spanContext().traceId;

    const messaging = (operation: string, topic: string, messageId: string) => ({
      'messaging.system': 'memory',
      'messaging.operation.type': operation,
      'messaging.destination.name': topic,
      'messaging.message.id': messageId,
    });
    const receivedCreate = await span('webhooks.received publish', { 'messaging.message.id': receivedId });
    expect(receivedCreate.kind).toBe(SpanKind.PRODUCER);
    expect(receivedCreate.attributes).toMatchObject(messaging('create', 'webhooks.received', receivedId));
    expect(parentOf(receivedCreate)).toBe(id(server));

    const inbox = await until(() => spans().find((s) => s.name === 'inbox write' && parentOf(s) === id(receivedCreate)), 'inbox write');
    expect(inbox.attributes).toMatchObject({ 'db.system.name': 'postgresql', 'db.operation.name': 'INSERT', 'junction.inbox.outcome': 'accepted' });

    const receivedSend = await span('webhooks.received send', { 'messaging.message.id': receivedId });
    expect(receivedSend.kind).toBe(SpanKind.PRODUCER);
    expect(receivedSend.attributes).toMatchObject(messaging('send', 'webhooks.received', receivedId));
    expect(parentOf(receivedSend)).toBe(id(receivedCreate));

    // The router (webhook-ingress's own subscription) consumes it and writes the command.
    const routed = await span('webhooks.received process', { 'messaging.message.id': receivedId });
    expect(routed.kind).toBe(SpanKind.CONSUMER);
    expect(routed.attributes).toMatchObject({ ...messaging('process', 'webhooks.received', receivedId), 'messaging.consumer.group.name': 'webhook-ingress', 'junction.message.type': 'webhooks.received' });
    expect(parentOf(routed)).toBe(id(receivedCreate));

    const commandCreate = await span('erp.commands publish', { 'messaging.message.id': commandId });
    expect(commandCreate.attributes).toMatchObject(messaging('create', 'erp.commands', commandId));
    expect(parentOf(commandCreate)).toBe(id(routed));
    const commandSend = await span('erp.commands send', { 'messaging.message.id': commandId });
    expect(parentOf(commandSend)).toBe(id(commandCreate));

    // erp-worker consumes the command and calls ERPNext (the sandbox) over HTTP.
    const worker = await span('erp.commands process', { 'messaging.message.id': commandId });
    expect(worker.kind).toBe(SpanKind.CONSUMER);
    expect(worker.attributes).toMatchObject({ ...messaging('process', 'erp.commands', commandId), 'messaging.consumer.group.name': 'erp-worker', 'junction.message.type': 'erp.customer.create' });
    expect(parentOf(worker)).toBe(id(commandCreate));

    const httpCalls = spans().filter((s) => s.kind === SpanKind.CLIENT && s.attributes['http.request.method'] !== undefined && parentOf(s) === id(worker));
    const post = httpCalls.find((s) => s.attributes['http.request.method'] === 'POST');
    expect(post).toBeDefined();
    expect(post!.name).toBe('POST');
    expect(post!.attributes).toMatchObject({
      'http.request.method': 'POST',
      'server.address': '127.0.0.1',
      'server.port': expect.any(Number),
      'http.response.status_code': 200,
      'integration.provider': 'erpnext',
    });
    // The resilience pipeline's span per attempt, beside the HTTP requests it made.
    const attempts = spans().filter((s) => s.kind === SpanKind.CLIENT && s.attributes['integration.outcome'] !== undefined && parentOf(s) === id(worker));
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.every((s) => s.attributes['integration.provider'] === 'erpnext' && s.attributes['integration.outcome'] === 'success')).toBe(true);

    // The event: created in erp-worker's transaction, sent by its relay, delivered with the trace in its headers.
    const eventCreate = await span('erp.events publish', { 'messaging.message.id': eventBody.id });
    expect(eventCreate.attributes).toMatchObject(messaging('create', 'erp.events', eventBody.id));
    expect(parentOf(eventCreate)).toBe(id(worker));
    const eventSend = await span('erp.events send', { 'messaging.message.id': eventBody.id });
    expect(parentOf(eventSend)).toBe(id(eventCreate));
    expect(event.headers.traceparent).toBe(`00-${traceId}-${id(eventCreate)}-01`);

    const chain = [server, receivedCreate, inbox, receivedSend, routed, commandCreate, commandSend, worker, post!, ...attempts, eventCreate, eventSend];
    expect(new Set(chain.map((s) => s.spanContext().traceId))).toEqual(new Set([traceId]));
  }, 30_000);
});
