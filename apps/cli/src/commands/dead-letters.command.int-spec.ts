import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { createMessage } from '@junction/contracts';
import { RabbitMqTransport, type SubscriptionHandle } from '@junction/messaging';
import { DeadLetterRepository } from '@junction/persistence';
import { createTestDatabase, rabbitMqReachable, testRabbitMqUrl, type TestDatabase } from '@junction/testing';
import { runCli } from '../cli';

const SECRET = 'Bearer PLAINTEXT-secret';
const reachable = rabbitMqReachable('the dead-letters CLI tests', testRabbitMqUrl);
const describeIfBroker = reachable ? describe : describe.skip;

/** `junction dead-letters list | show | redrive | purge` with the real runtime, a real Postgres and RabbitMQ. */
describeIfBroker('junction dead-letters (real Postgres, RabbitMQ)', () => {
  let db: TestDatabase;
  let bus: RabbitMqTransport;
  let handle: SubscriptionHandle;
  let failing = true;
  /** Deliveries the consumer completed, by message id. */
  const completed: string[] = [];
  const topic = `dlcli${randomUUID().slice(0, 8)}.commands`;
  const subscription = 'erp-worker';

  const junction = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, {
      env: { DATABASE_URL: db.url, BUS: 'rabbitmq', RABBITMQ_URL: testRabbitMqUrl },
      io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '' },
    });
    expect(stdout + stderr).not.toContain('PLAINTEXT');
    return { code, stdout, stderr, json: () => JSON.parse(stdout) as Record<string, any> };
  };
  const inDlq = async (id: string) => (await bus.peekDeadLetters(topic, subscription, 100)).filter((m) => m.messageId === id).length;
  const waitFor = async (cond: () => Promise<boolean> | boolean) => {
    const deadline = Date.now() + 10_000;
    while (!(await cond())) {
      if (Date.now() > deadline) throw new Error('condition not met within 10 s');
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  /** A command the consumer dead-letters, mirrored as DeadLetterRecorder would; returns its mirror row id. */
  const deadLetter = async (reason = 'PROVIDER_VALIDATION') => {
    failing = true;
    const c = createMessage('erp.customer.create', { customerName: 'Dead Letter GmbH', customerType: 'Company' }, { tenantId: 't1' });
    nextReason = reason;
    await bus.publish([{ topic, messageId: c.id, type: c.type, body: c, headers: { 'x-correlation-id': c.correlationId, authorization: SECRET } }]);
    await waitFor(async () => (await inDlq(c.id)) === 1 && (await db.prisma.deadLetter.count({ where: { messageId: c.id } })) === 1);
    return { c, id: (await db.prisma.deadLetter.findFirstOrThrow({ where: { messageId: c.id } })).id };
  };
  let nextReason = 'PROVIDER_VALIDATION';

  beforeAll(async () => {
    db = await createTestDatabase();
    bus = new RabbitMqTransport({ url: testRabbitMqUrl, connectionName: `junction-test-cli-dead-letters-${randomUUID()}` });
    await bus.connect();
    const mirror = new DeadLetterRepository(db.prisma);
    handle = await bus.subscribe({ topic, subscription, types: ['erp.customer.create'], maxDeliveryCount: 3, concurrency: 1 }, async (d) => {
      if (!failing) {
        completed.push(d.messageId);
        return { action: 'complete' };
      }
      const reason = nextReason;
      await mirror.record({ messageId: d.messageId, topic, subscription, type: d.type, reason, description: 'ERPNext rejected it', deliveryCount: d.deliveryCount, rawBody: d.rawBody, headers: { ...d.headers } });
      return { action: 'dead-letter', reason, description: 'ERPNext rejected it' };
    });
  });
  afterAll(async () => {
    await handle?.close();
    const declared = bus?.declaredTopology();
    await bus?.close();
    if (declared) {
      const conn = await connect(testRabbitMqUrl);
      const ch = await conn.createChannel();
      for (const q of declared.queues.filter((q) => q.startsWith(topic))) await ch.deleteQueue(q);
      for (const e of declared.exchanges.filter((e) => e.startsWith(topic))) await ch.deleteExchange(e);
      await conn.close();
    }
    await db?.drop();
  });

  it('list and show: the reason and deliveries, headers with the secret-bearing ones redacted, the body as stored', async () => {
    expect((await junction('dead-letters', 'list', '--topic', topic)).stdout).toContain('No dead letters.');
    const { c, id } = await deadLetter();
    const text = await junction('dead-letters', 'list', '--topic', topic, '--reason', 'PROVIDER_VALIDATION');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${id}\\s+erp\\.customer\\.create\\s+${topic}\\s+erp-worker\\s+PROVIDER_VALIDATION\\s+1\\s`, 'm'));
    expect(text.stdout).not.toContain('Dead Letter GmbH');
    expect((await junction('dead-letters', 'list', '--topic', topic, '--json')).json()).toMatchObject({ total: 1, items: [{ id, messageId: c.id }] });

    const shown = await junction('dead-letters', 'show', id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toContain('reason:         PROVIDER_VALIDATION');
    expect(shown.stdout).toContain('authorization: [redacted]');
    expect(shown.stdout).toContain(`x-correlation-id: ${c.correlationId}`);
    expect(shown.stdout).toContain(JSON.stringify(c));
    expect(await junction('dead-letters', 'show', randomUUID())).toMatchObject({ code: 1, stderr: expect.stringContaining('DEAD_LETTER_NOT_FOUND') });
  });

  it('redrive: --dry-run by filter changes nothing; one id republishes it with the same id and takes it off the DLQ', async () => {
    const { c, id } = await deadLetter('MAX_DELIVERIES_EXCEEDED');
    const dry = await junction('dead-letters', 'redrive', '--topic', topic, '--reason', 'MAX_DELIVERIES_EXCEEDED', '--dry-run');
    expect(dry).toMatchObject({ code: 0, stdout: expect.stringContaining('Dry run: would redrive 1 dead letter(s)') });
    expect(await inDlq(c.id)).toBe(1);

    failing = false;
    const done = await junction('dead-letters', 'redrive', id, '--json');
    expect(done.code).toBe(0);
    expect(done.json()).toMatchObject({ dryRun: false, transport: 'rabbitmq', matched: 1, removedFromBroker: 1 });
    await waitFor(() => completed.includes(c.id));
    expect(await inDlq(c.id)).toBe(0);
    expect((await db.prisma.deadLetter.findUniqueOrThrow({ where: { id } })).redrivenAt).toBeInstanceOf(Date);
    expect(await db.prisma.auditEvent.count({ where: { action: 'dead-letter.redriven', actor: 'cli', subject: id } })).toBe(1);
  });

  it('purge: --dry-run, then --all deletes the mirror rows and the DLQ copies', async () => {
    const { c } = await deadLetter();
    const dry = await junction('dead-letters', 'purge', '--all', '--dry-run', '--json');
    expect(dry.json()).toMatchObject({ dryRun: true, removedFromBroker: 0 });
    expect(await inDlq(c.id)).toBe(1);
    const purged = await junction('dead-letters', 'purge', '--all');
    // Three rows: this one and the first test's (both still in the DLQ), and the redriven one (already off it).
    expect(purged).toMatchObject({ code: 0, stdout: expect.stringContaining("Purged 3 dead letter(s) on rabbitmq; 2 removed from the broker's DLQ") });
    expect(await bus.peekDeadLetters(topic, subscription, 100)).toEqual([]);
    expect(await db.prisma.deadLetter.count()).toBe(0);
  });

  it('sync mirrors a message only the broker DLQ holds, once', async () => {
    const c = createMessage('erp.customer.create', { customerName: 'Broker Only', customerType: 'Company' }, { tenantId: 't1' });
    const raw = `${topic}.raw`;
    const handle2 = await bus.subscribe({ topic: raw, subscription, types: ['erp.customer.create'], maxDeliveryCount: 3, concurrency: 1 }, async () => ({
      action: 'dead-letter',
      reason: 'MAX_DELIVERIES_EXCEEDED',
      description: 'the broker gave up on it',
    }));
    try {
      await bus.publish([{ topic: raw, messageId: c.id, type: c.type, body: c }]);
      await waitFor(async () => (await bus.peekDeadLetters(raw, subscription, 10)).length === 1);
      const first = await junction('dead-letters', 'sync', '--topic', raw, '--subscription', subscription);
      expect(first).toMatchObject({ code: 0, stdout: expect.stringContaining('Looked at 1 DLQ message(s) in 1 subscription(s); mirrored 1') });
      expect((await junction('dead-letters', 'sync', '--topic', raw, '--subscription', subscription, '--json')).json()).toEqual({ subscriptions: 1, scanned: 1, imported: 0 });
      expect((await junction('dead-letters', 'list', '--topic', raw, '--json')).json()).toMatchObject({ total: 1, items: [{ messageId: c.id, reason: 'MAX_DELIVERIES_EXCEEDED' }] });
      expect(await junction('dead-letters', 'sync', '--topic', 'no.such.topic')).toMatchObject({ code: 64 });
    } finally {
      await handle2.close();
    }
  });

  it('refuses neither or several of an id, a filter and --all, and --dry-run with an id (64)', async () => {
    for (const argv of [
      ['dead-letters', 'redrive'],
      ['dead-letters', 'redrive', randomUUID(), '--all'],
      ['dead-letters', 'purge', '--all', '--topic', topic],
      ['dead-letters', 'purge', randomUUID(), '--dry-run'],
    ]) {
      const result = await junction(...argv);
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(/^junction: USAGE: dead-letters (redrive|purge): /);
    }
  });
});
