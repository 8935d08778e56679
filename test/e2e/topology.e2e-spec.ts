import { execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { createMessage } from '@junction/contracts';
import { ErpNextSandbox } from '@junction/connectors/erpnext';
import { formatKeyEntry } from '@junction/security';
import { RabbitMqTransport, toOutgoing } from '@junction/messaging';
import { createTestDatabase, rabbitMqReachable, startAppProcess, testRabbitMqUrl, waitUntil, type AppProcess, type TestDatabase } from '@junction/testing';

/**
 * Finding 1 of the delivery review, as an operator meets it on a fresh RabbitMQ: the producer's app starts before
 * the worker ever ran, and a command type that nothing handles is published. Before topology-as-code the worker's
 * queue did not exist yet (only a consumer declared it) and both messages were dropped by the broker.
 */
const describeIfBroker = rabbitMqReachable('the topology end-to-end test') ? describe : describe.skip;

describeIfBroker('topology: nothing published on a fresh broker is lost, whoever starts first', () => {
  const run = randomUUID().slice(0, 8);
  const sandbox = new ErpNextSandbox({ apiKey: 'topo-key', apiSecret: 'topo-secret-value' });
  // A producer that declares nothing itself, like another system publishing to the topic.
  const producer = new RabbitMqTransport({ url: testRabbitMqUrl, connectionName: `e2e-topology-${run}` });
  let db: TestDatabase;
  let ingress: AppProcess | undefined;
  let worker: AppProcess | undefined;
  let env: Record<string, string>;

  beforeAll(async () => {
    execFileSync(process.execPath, ['scripts/build.mjs'], { stdio: 'ignore' });
    // A fresh deployment: erp.commands and every queue bound to it are gone (other suites share this broker).
    const admin = await connect(testRabbitMqUrl);
    const ch = await admin.createChannel();
    for (const queue of ['erp.commands.erp-worker', 'erp.commands.erp-worker.dlq', 'erp.commands.erp-worker.types', 'erp.commands.unrouted', 'ops.alerts.unrouted']) await ch.deleteQueue(queue);
    for (const exchange of ['erp.commands', 'ops.alerts']) await ch.deleteExchange(exchange);
    await admin.close();

    db = await createTestDatabase();
    const { url: erpUrl } = await sandbox.start();
    env = { BUS: 'rabbitmq', RABBITMQ_URL: testRabbitMqUrl, DATABASE_URL: db.url, PORT: '0', HOST: '127.0.0.1', MAX_DELIVERY_COUNT: '3', ERPNEXT_URL: erpUrl, ERPNEXT_API_KEY: 'topo-key', ERPNEXT_API_SECRET: 'topo-secret-value' };
    await producer.connect();
  }, 90_000);

  afterAll(async () => {
    const codes = await Promise.all([worker?.stop(), ingress?.stop()]);
    await producer.close();
    await sandbox.stop();
    await db?.drop();
    expect(codes).toEqual([0, 0]);
  }, 60_000);

  it('a command published before its worker ever started waits for it; a message nothing consumes is held as unrouted, counted and listed', async () => {
    ingress = await startAppProcess('dist/apps/webhook-ingress/main.js', { ...env, JUNCTION_KEK: formatKeyEntry('topo-1', randomBytes(32)) });

    const customerName = `Early ${run}`;
    const create = createMessage('erp.customer.create', { customerName, customerType: 'Company' }, { tenantId: 'e2e' });
    // No app consumes ops.alerts (yet; mcp-gateway takes every command's answer): held in the topic's unrouted queue.
    const unconsumed = createMessage(
      'integration.connection.reauth-required',
      { connectionId: randomUUID(), typeSlug: 'crm', name: `early-${run}`, reason: 'invalid_grant', occurredAt: new Date().toISOString() },
      { tenantId: 'e2e' },
    );
    await producer.publish([toOutgoing(create), toOutgoing(unconsumed)]);

    worker = await startAppProcess('dist/apps/erp-worker/main.js', env);
    await waitUntil(() => sandbox.ledger.some((l) => l.doctype === 'Customer' && l.name === customerName), 20_000, 'the early command handled once the worker started');

    const status = JSON.parse(
      execFileSync(process.execPath, ['dist/apps/cli/main.js', 'topology', 'status', '--json'], { env: { ...process.env, ...env }, encoding: 'utf8' }),
    ) as { transport: string; topics: Array<{ topic: string; unrouted: number; oldest: Array<{ id: string; type: string }> }> };
    expect(status.transport).toBe('rabbitmq');
    expect(status.topics.find((t) => t.topic === 'erp.commands')).toMatchObject({ unrouted: 0 });
    expect(status.topics.find((t) => t.topic === 'ops.alerts')).toMatchObject({ unrouted: 1, oldest: [{ id: unconsumed.id, type: 'integration.connection.reauth-required' }] });
    // Held, not dead-lettered and not handed to any app.
    expect(await db.prisma.deadLetter.count({ where: { messageId: unconsumed.id } })).toBe(0);
  });
});
