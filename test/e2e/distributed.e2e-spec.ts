import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { formatKeyEntry } from '@junction/security';
import { activeTraceId, withProducerSpan } from '@junction/telemetry';
import { RabbitMqTransport, toOutgoing, type DeliveredMessage } from '@junction/messaging';
import { createTestDatabase, rabbitMqReachable, startAppProcess, testRabbitMqUrl, waitUntil, type AppProcess, type TestDatabase } from '@junction/testing';

/**
 * Distributed mode as an operator runs it: erp-worker and webhook-ingress as separate processes on
 * RabbitMQ and a real Postgres, ERPNext played by the sandbox. Assertions are on what the sandbox recorded
 * and on the events that came back over the broker. Names are unique per run because the broker's queues
 * outlive test runs.
 */
const describeIfBroker = rabbitMqReachable('the distributed end-to-end test') ? describe : describe.skip;

describeIfBroker('distributed: erp.customer.create over RabbitMQ and Postgres', () => {
  const run = randomUUID().slice(0, 8);
  const sandbox = new ErpNextSandbox({ apiKey: 'e2e-key', apiSecret: 'e2e-secret-value' });
  const observer = new RabbitMqTransport({ url: testRabbitMqUrl, connectionName: `e2e-observer-${run}` });
  const events: DeliveredMessage[] = [];
  let db: TestDatabase;
  let worker: AppProcess;
  let ingress: AppProcess;
  const apiKey = `e2e-api-key-${randomUUID()}`;

  const tracing = new NodeTracerProvider();

  beforeAll(async () => {
    tracing.register();
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    db = await createTestDatabase();
    const { url: erpUrl } = await sandbox.start();
    const env = { BUS: 'rabbitmq', RABBITMQ_URL: testRabbitMqUrl, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', MAX_DELIVERY_COUNT: '3' };
    [worker, ingress] = await Promise.all([
      startAppProcess('dist/apps/erp-worker/main.js', { ...env, ERPNEXT_URL: erpUrl, ERPNEXT_API_KEY: 'e2e-key', ERPNEXT_API_SECRET: 'e2e-secret-value' }),
      startAppProcess('dist/apps/webhook-ingress/main.js', { ...env, JUNCTION_API_KEY: apiKey, JUNCTION_KEK: formatKeyEntry('e2e-1', randomBytes(32)) }),
    ]);
    await observer.connect();
    await observer.subscribe(
      { topic: 'erp.events', subscription: `e2e-observer-${run}`, types: ['erp.customer.created', 'erp.customer.create.failed'], maxDeliveryCount: 3, concurrency: 4 },
      async (m) => {
        events.push(m);
        return { action: 'complete' };
      },
    );
  }, 90_000);

  afterAll(async () => {
    const codes = await Promise.all([worker?.stop(), ingress?.stop()]);
    await observer.close();
    await sandbox.stop();
    await db?.drop();
    await tracing.shutdown();
    // Graceful shutdown on SIGTERM exits 0.
    expect(codes).toEqual([0, 0]);
  }, 60_000);

  const eventsFor = (commandId: string) => events.filter((e) => (e.body as AnyMessage).payload && ((e.body as AnyMessage).payload as { commandId?: string }).commandId === commandId);
  const created = (name: string) => sandbox.ledger.filter((l) => l.doctype === 'Customer' && l.name.startsWith(name));

  it('answers ready on both apps', async () => {
    for (const app of [worker, ingress]) {
      const res = await fetch(`${app.url}/health/ready`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok', info: { database: { status: 'up' }, broker: { status: 'up', transport: 'rabbitmq' } } });
    }
  });

  it('creates one Customer and emits one event when the same command is delivered twice', async () => {
    const customerName = `Acme ${run}`;
    const command = createMessage('erp.customer.create', { customerName, customerType: 'Company' }, { tenantId: 'e2e' });
    const traceId = await withProducerSpan('erp.commands publish', {}, async () => {
      await observer.publish([toOutgoing(command)]);
      await observer.publish([toOutgoing(command)]);
      return activeTraceId();
    });

    await waitUntil(() => eventsFor(command.id).length >= 1, 20_000, 'erp.customer.created');
    // Give a duplicate every chance to show up before counting.
    await waitUntil(async () => (await db.prisma.processedMessage.count({ where: { messageId: command.id } })) === 1, 5_000);
    await new Promise((r) => setTimeout(r, 1_500));

    expect(created(customerName)).toHaveLength(1);
    const [event] = eventsFor(command.id);
    expect(eventsFor(command.id)).toHaveLength(1);
    expect(event!.type).toBe('erp.customer.created');
    expect(event!.body).toMatchObject({ causationId: command.id, correlationId: command.correlationId, payload: { customerName, alreadyExisted: false, erpName: customerName } });
    // One trace from this publish, through the worker process and its outbox, to the event it sent back.
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(event!.headers.traceparent).toContain(`-${traceId}-`);
    expect(await db.prisma.effectLedger.findMany({ where: { commandId: command.id } })).toEqual([
      expect.objectContaining({ consumer: 'erp-worker', operation: 'customer.create', outcome: 'created', externalRef: customerName }),
    ]);
  });

  it('accepts a command over HTTP durably and carries it through ingress, broker, worker and ERPNext', async () => {
    const customerName = `Beta ${run}`;
    const res = await fetch(`${ingress.url}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'erp.customer.create', payload: { customerName } }),
    });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await waitUntil(() => eventsFor(id).length === 1, 20_000, 'event for the HTTP command');
    expect(created(customerName)).toHaveLength(1);

    const again = await fetch(`${ingress.url}/commands`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ id, type: 'erp.customer.create', payload: { customerName } }),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ id, duplicate: true });
  });

  it('dead-letters a malformed command with its reason and keeps consuming', async () => {
    const bad = { ...createMessage('erp.customer.create', { customerName: `Bad ${run}`, customerType: 'Company' }, { tenantId: 'e2e' }) };
    const malformed = { ...toOutgoing(bad), body: { ...bad, payload: { customerName: 42 } } };
    const good = createMessage('erp.customer.create', { customerName: `Good ${run}`, customerType: 'Company' }, { tenantId: 'e2e' });
    await observer.publish([malformed, toOutgoing(good)]);

    await waitUntil(() => eventsFor(good.id).length === 1, 20_000, 'the good command after the bad one');
    await waitUntil(async () => (await db.prisma.deadLetter.count({ where: { messageId: bad.id } })) === 1, 10_000, 'dead-letter mirror row');
    const dead = await db.prisma.deadLetter.findFirstOrThrow({ where: { messageId: bad.id } });
    expect(dead).toMatchObject({ subscription: 'erp-worker', reason: 'VALIDATION_FAILED', deliveryCount: 1 });
    expect(dead.description).toContain('customerName');
    expect(created(`Bad ${run}`)).toHaveLength(0);
    expect(worker.output()).toContain(`dead-lettered erp.customer.create ${bad.id}`);
  });

  it('never writes the ERPNext secret or the database password to its logs', () => {
    expect(worker.output()).not.toContain('e2e-secret-value');
    expect(ingress.output()).not.toContain(apiKey);
  });
});
