import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { Test, type TestingModule } from '@nestjs/testing';
import { createMessage, ManagementError } from '@junction/contracts';
import { PersistenceModule } from '@junction/persistence';
import { createTestDatabase, rabbitMqReachable, testRabbitMqUrl, type TestDatabase } from '@junction/testing';
import { waitFor } from '../../test/bus.conformance';
import { type MessageBus, REDRIVE_COUNT_HEADER, type SubscriptionHandle } from '../bus/message-bus.port';
import { IdempotentConsumer } from '../idempotency/idempotent-consumer';
import { MessagingModule } from '../messaging.module';
import { MessageDispatcher } from '../nest/message-dispatcher';
import { MemoryTransport } from '../transports/memory/memory.transport';
import { RabbitMqTransport } from '../transports/rabbitmq/rabbitmq.transport';
import { DeadLetterAdmin } from './dead-letter.admin';
import { DeadLetterRecorder } from './dead-letter.recorder';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };
const operator = { actor: 'cli' };

interface BusCase {
  create(): Promise<MessageBus>;
  dispose(bus: MessageBus, topic: string): Promise<void>;
}

const memory: BusCase = { create: async () => new MemoryTransport(), dispose: async () => undefined };
const rabbit: BusCase = {
  create: async () => {
    const bus = new RabbitMqTransport({ url: testRabbitMqUrl, connectionName: `junction-test-dead-letters-${randomUUID()}` });
    await bus.connect();
    return bus;
  },
  dispose: async (bus, topic) => {
    const declared = (bus as RabbitMqTransport).declaredTopology();
    await bus.close();
    const conn = await connect(testRabbitMqUrl);
    try {
      const ch = await conn.createChannel();
      for (const q of declared.queues.filter((q) => q.startsWith(topic))) await ch.deleteQueue(q);
      for (const e of declared.exchanges.filter((e) => e.startsWith(topic))) await ch.deleteExchange(e);
      await ch.close();
    } finally {
      await conn.close();
    }
  },
};

const cases: [string, BusCase, boolean][] = [
  ['memory', memory, true],
  ['rabbitmq', rabbit, rabbitMqReachable('the dead-letter admin tests on RabbitMQ', testRabbitMqUrl)],
];

describe.each(cases)('DeadLetterAdmin on %s (real Postgres)', (_name, busCase, available) => {
  const run = available ? it : it.skip;
  let db: TestDatabase;
  let bus: MessageBus;
  let moduleRef: TestingModule;
  let admin: DeadLetterAdmin;
  let handle: SubscriptionHandle;
  let failing = true;
  /** Effects that committed: the handler's own work, inside the idempotent consumer's transaction. */
  const effects: string[] = [];
  /** Every time the handler ran. */
  const handled: string[] = [];
  const topic = `dl${randomUUID().slice(0, 8)}.commands`;
  const subscription = 'erp-worker';

  beforeAll(async () => {
    if (!available) return;
    db = await createTestDatabase();
    bus = await busCase.create();
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: db.url }), MessagingModule.forRoot({ bus, consumer: subscription, relay: false })],
      providers: [DeadLetterAdmin],
    }).compile();
    await moduleRef.init();
    admin = moduleRef.get(DeadLetterAdmin);
    const recorder = moduleRef.get(DeadLetterRecorder);
    const idempotent = moduleRef.get(IdempotentConsumer);
    const dispatcher = new MessageDispatcher(
      () => async (message) => {
        handled.push(message.id);
        if (failing) throw Object.assign(new Error('ERPNext rejected the customer'), { retryable: false, code: 'PROVIDER_VALIDATION', errorClass: 'validation' });
        await idempotent.run(message.id, async () => {
          effects.push(message.id);
        });
      },
      { maxDeliveryCount: 3, logger: quiet, onDeadLetter: (delivery, settlement) => recorder.record(delivery, settlement) },
    );
    handle = await bus.subscribe({ topic, subscription, types: ['erp.customer.create'], maxDeliveryCount: 3, concurrency: 1 }, (d) => dispatcher.dispatch(d));
  });
  afterAll(async () => {
    if (!available) return;
    await handle?.close();
    await moduleRef?.close();
    await busCase.dispose(bus, topic);
    await db?.drop();
  });

  const command = (tenantId = 't1') => createMessage('erp.customer.create', { customerName: 'Dead Letter GmbH', customerType: 'Company' }, { tenantId });
  const deadLetter = async (tenantId = 't1') => {
    failing = true;
    const c = command(tenantId);
    await bus.publish([{ topic, messageId: c.id, type: c.type, body: c, headers: { 'x-correlation-id': c.correlationId, authorization: 'Bearer s3cret' } }]);
    await waitFor(async () => (await bus.peekDeadLetters(topic, subscription, 100)).some((m) => m.messageId === c.id));
    const [row] = (await admin.list(operator, { type: 'erp.customer.create', state: 'open', limit: 500 })).items.filter((r) => r.messageId === c.id);
    return { c, rowId: row!.id };
  };
  const inDlq = async (messageId: string) => (await bus.peekDeadLetters(topic, subscription, 100)).filter((m) => m.messageId === messageId).length;
  const audits = (action: string) => db.prisma.auditEvent.findMany({ where: { action }, orderBy: { occurredAt: 'asc' } });

  run('lists and inspects a dead-lettered command: reason, description, deliveries, headers without secrets, the body as stored', async () => {
    const { c, rowId } = await deadLetter();
    const listed = await admin.list(operator, { topic, subscription, reason: 'PROVIDER_VALIDATION', since: new Date(Date.now() - 60_000).toISOString() });
    expect(listed.items.map((i) => i.messageId)).toContain(c.id);
    expect(listed.items[0]).not.toHaveProperty('rawBody');
    const shown = await admin.show(operator, rowId);
    expect(shown).toMatchObject({ messageId: c.id, topic, subscription, type: 'erp.customer.create', reason: 'PROVIDER_VALIDATION', deliveryCount: 1, redrivenAt: null });
    expect(shown.description).toContain('ERPNext rejected the customer');
    expect(shown.headers).toMatchObject({ 'x-correlation-id': c.correlationId, authorization: '[redacted]' });
    expect(JSON.stringify(shown)).not.toContain('s3cret');
    expect(JSON.parse(shown.rawBody)).toEqual(c);
    // A tenant's admin key sees its own dead letters only.
    expect((await admin.list({ actor: 'admin:k', tenantId: 'other' }, { topic })).total).toBe(0);
    await expect(admin.show({ actor: 'admin:k', tenantId: 'other' }, rowId)).rejects.toMatchObject({ code: 'DEAD_LETTER_NOT_FOUND', status: 404 });
    expect((await admin.show({ actor: 'admin:k', tenantId: 't1' }, rowId)).id).toBe(rowId);
    // The tenant comes from the column; a row mirrored before the column existed (null) is still found by its body.
    expect((await db.prisma.deadLetter.findUniqueOrThrow({ where: { id: rowId } })).tenantId).toBe('t1');
    await db.prisma.deadLetter.update({ where: { id: rowId }, data: { tenantId: null } });
    expect((await admin.list({ actor: 'admin:k', tenantId: 't1' }, { topic })).items.map((i) => i.id)).toContain(rowId);
    expect((await admin.show({ actor: 'admin:k', tenantId: 't1' }, rowId)).id).toBe(rowId);
    expect((await admin.list({ actor: 'admin:k', tenantId: 'other' }, { topic })).total).toBe(0);
  });

  run('redrives one: same id, original headers plus the redrive count, processed once, marked, gone from the broker DLQ, audited', async () => {
    const { c, rowId } = await deadLetter();
    failing = false;
    const result = await admin.redrive(operator, { ids: [rowId] });
    expect(result).toMatchObject({ dryRun: false, matched: 1, removedFromBroker: 1 });
    await waitFor(() => effects.includes(c.id));
    expect(effects.filter((id) => id === c.id)).toHaveLength(1);
    expect(await inDlq(c.id)).toBe(0);
    expect((await admin.show(operator, rowId)).redrivenAt).toBeInstanceOf(Date);
    const [audit] = (await audits('dead-letter.redriven')).filter((a) => a.subject === rowId);
    expect(audit).toMatchObject({ actor: 'cli', outcome: 'ok', detail: expect.objectContaining({ selection: 'ids', rows: 1, messageIds: [c.id] }) });

    // Its effect already happened: redriven again (by id), the idempotent consumer acknowledges it without effect.
    const again = await admin.redrive(operator, { ids: [rowId] });
    expect(again.matched).toBe(1);
    // Delivered three times now: failed, processed, and this redrive.
    await waitFor(() => handled.filter((id) => id === c.id).length === 3);
    expect(await db.prisma.processedMessage.count({ where: { messageId: c.id } })).toBe(1);
    expect(effects.filter((id) => id === c.id)).toHaveLength(1);
    expect(await inDlq(c.id)).toBe(0);
  });

  run('redrives by filter (dry run first) and all; a redriven message that fails again is dead-lettered again with the counter', async () => {
    const a = await deadLetter();
    const b = await deadLetter();
    const dry = await admin.redrive(operator, { filter: { topic, reason: 'PROVIDER_VALIDATION' }, dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(dry.items.map((i) => i.id)).toEqual(expect.arrayContaining([a.rowId, b.rowId]));
    expect(await inDlq(a.c.id)).toBe(1);
    expect((await admin.show(operator, a.rowId)).redrivenAt).toBeNull();

    // Still failing: the redriven copy comes back as a new dead letter carrying junction-redrive-count 1.
    const failed = await admin.redrive(operator, { filter: { topic, reason: 'PROVIDER_VALIDATION' } });
    expect(failed.items.map((i) => i.id)).toEqual(expect.arrayContaining([a.rowId, b.rowId]));
    await waitFor(async () => (await admin.list(operator, { topic, state: 'open' })).items.filter((i) => i.messageId === a.c.id || i.messageId === b.c.id).length === 2);
    const reopened = (await admin.list(operator, { topic, state: 'open' })).items.find((i) => i.messageId === a.c.id)!;
    expect((await admin.show(operator, reopened.id)).headers[REDRIVE_COUNT_HEADER]).toBe('1');
    await waitFor(async () => (await inDlq(a.c.id)) === 1);

    failing = false;
    const all = await admin.redrive(operator, { all: true });
    expect(all.items.map((i) => i.messageId)).toEqual(expect.arrayContaining([a.c.id, b.c.id]));
    await waitFor(() => effects.includes(a.c.id) && effects.includes(b.c.id));
    expect(await inDlq(a.c.id)).toBe(0);
    expect(await inDlq(b.c.id)).toBe(0);
    expect((await admin.list(operator, { topic, state: 'open' })).total).toBe(0);
    expect((await audits('dead-letter.redriven')).map((e) => e.subject)).toEqual(expect.arrayContaining(['filter', 'all']));
  });

  run('purges: dry run changes nothing; then mirror rows and the broker DLQ copies go, audited', async () => {
    const a = await deadLetter();
    const dry = await admin.purge(operator, { ids: [a.rowId], dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, matched: 1, removedFromBroker: 0 });
    expect(await inDlq(a.c.id)).toBe(1);
    const purged = await admin.purge(operator, { filter: { topic, type: 'erp.customer.create' } });
    expect(purged.items.map((i) => i.id)).toContain(a.rowId);
    expect(purged.removedFromBroker).toBe(1);
    expect(await inDlq(a.c.id)).toBe(0);
    expect(await db.prisma.deadLetter.count({ where: { topic } })).toBe(0);
    expect(await audits('dead-letter.purged')).toEqual([expect.objectContaining({ subject: 'filter', outcome: 'ok' })]);
    await expect(admin.show(operator, a.rowId)).rejects.toBeInstanceOf(ManagementError);
  });

  run('syncs what only the broker DLQ holds into the mirror, once; then it can be redriven like any other', async () => {
    const brokerOnly = `${topic}.raw`;
    const raw = await bus.subscribe({ topic: brokerOnly, subscription, types: ['erp.customer.create'], maxDeliveryCount: 3, concurrency: 1 }, async () => ({
      action: 'dead-letter',
      reason: 'MAX_DELIVERIES_EXCEEDED',
      description: 'the broker gave up on it',
    }));
    try {
      const c = command();
      await bus.publish([{ topic: brokerOnly, messageId: c.id, type: c.type, body: c }]);
      await waitFor(async () => (await bus.peekDeadLetters(brokerOnly, subscription, 10)).length === 1);
      expect((await admin.list(operator, { topic: brokerOnly })).total).toBe(0);

      expect(await admin.syncFromBroker(operator, [{ topic: brokerOnly, subscription }])).toEqual({ scanned: 1, imported: 1 });
      expect(await admin.syncFromBroker(operator, [{ topic: brokerOnly, subscription }])).toEqual({ scanned: 1, imported: 0 });
      const [row] = (await admin.list(operator, { topic: brokerOnly })).items;
      expect(row).toMatchObject({ messageId: c.id, reason: 'MAX_DELIVERIES_EXCEEDED', subscription });
      expect(JSON.parse((await admin.show(operator, row!.id)).rawBody)).toEqual(c);
      expect((await audits('dead-letter.synced')).map((a) => a.subject)).toEqual([`${brokerOnly}/${subscription}`]);

      expect(await admin.purge(operator, { ids: [row!.id] })).toMatchObject({ matched: 1, removedFromBroker: 1 });
      expect(await bus.peekDeadLetters(brokerOnly, subscription, 10)).toEqual([]);
    } finally {
      await raw.close();
    }
  });

  run('refuses an ambiguous or empty selection with VALIDATION_FAILED', async () => {
    await expect(admin.redrive(operator, {})).rejects.toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    await expect(admin.redrive(operator, { all: true, ids: [randomUUID()] })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(admin.purge(operator, { filter: {} })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(admin.redrive(operator, { ids: [randomUUID()] })).rejects.toMatchObject({ code: 'DEAD_LETTER_NOT_FOUND', status: 404 });
  });
});
