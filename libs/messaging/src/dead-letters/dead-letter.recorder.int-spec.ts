import { Test, type TestingModule } from '@nestjs/testing';
import { createMessage, ErrorCodes } from '@junction/contracts';
import { PersistenceModule } from '@junction/persistence';
import { createTestDatabase, outboxCausedBy, type TestDatabase } from '@junction/testing';
import type { DeliveredMessage } from '../bus/message-bus.port';
import { MessagingModule } from '../messaging.module';
import { MessageDispatcher } from '../nest/message-dispatcher';
import { MemoryTransport } from '../transports/memory/memory.transport';
import { DeadLetterRecorder } from './dead-letter.recorder';

const quiet = { log: () => undefined, warn: () => undefined, error: () => undefined };

/** Every command gets an answer: a dead-lettered command is mirrored and answered with `<type>.failed`, once. */
describe('DeadLetterRecorder (real Postgres)', () => {
  let db: TestDatabase;
  let moduleRef: TestingModule;
  let failWith: unknown;
  let dispatcher: MessageDispatcher;

  beforeAll(async () => {
    db = await createTestDatabase();
    moduleRef = await Test.createTestingModule({
      imports: [PersistenceModule.forRoot({ databaseUrl: db.url }), MessagingModule.forRoot({ bus: new MemoryTransport(), consumer: 'erp-worker', relay: false })],
    }).compile();
    await moduleRef.init();
    const recorder = moduleRef.get(DeadLetterRecorder);
    dispatcher = new MessageDispatcher(
      () => async () => {
        throw failWith;
      },
      { maxDeliveryCount: 3, logger: quiet, onDeadLetter: (delivery, settlement) => recorder.record(delivery, settlement) },
    );
  });
  afterAll(async () => {
    await moduleRef?.close();
    await db?.drop();
  });

  const delivery = (body: unknown, deliveryCount = 1): DeliveredMessage => ({
    messageId: (body as { id: string }).id,
    type: (body as { type: string }).type,
    topic: 'erp.commands',
    subscription: 'erp-worker',
    body,
    rawBody: JSON.stringify(body),
    deliveryCount,
    headers: {},
    enqueuedAt: new Date(),
  });
  const command = () => createMessage('erp.customer.create', { customerName: 'Dead Letter GmbH', customerType: 'Company' }, { tenantId: 't1' });
  const answers = async (id: string) => (await outboxCausedBy(db, id)).map((row) => row.body as { type: string; payload: Record<string, unknown> });

  it('answers credentials the provider rejects with AUTH_REJECTED, once, however often the command is dead-lettered', async () => {
    failWith = Object.assign(new Error('ERPNext rejected the API key'), { retryable: false, code: 'PROVIDER_AUTH', errorClass: 'auth' });
    const c = command();
    expect(await dispatcher.dispatch(delivery(c))).toMatchObject({ action: 'dead-letter', reason: 'PROVIDER_AUTH', errorClass: 'auth' });
    // Redriven by an operator before the credentials were fixed: dead-lettered again, not answered again.
    await dispatcher.dispatch(delivery(c));
    expect(await answers(c.id)).toEqual([
      expect.objectContaining({
        type: 'erp.customer.create.failed',
        tenantId: 't1',
        correlationId: c.correlationId,
        payload: { commandId: c.id, commandType: 'erp.customer.create', code: 'AUTH_REJECTED', errorClass: 'auth', message: 'ERPNext rejected the API key', deadLettered: true },
      }),
    ]);
    expect(await db.prisma.deadLetter.count({ where: { messageId: c.id } })).toBe(2);
  });

  it('answers a command that ran out of deliveries with RETRIES_EXHAUSTED and the last failure', async () => {
    failWith = Object.assign(new Error('ERPNext answered 503'), { retryable: true, code: 'PROVIDER_UNAVAILABLE', errorClass: 'server' });
    const c = command();
    expect(await dispatcher.dispatch(delivery(c, 1))).toMatchObject({ action: 'retry' });
    expect(await answers(c.id)).toEqual([]);
    expect(await dispatcher.dispatch(delivery(c, 3))).toMatchObject({ action: 'dead-letter', reason: ErrorCodes.maxDeliveriesExceeded });
    const [answer] = await answers(c.id);
    expect(answer?.payload).toMatchObject({ code: 'RETRIES_EXHAUSTED', errorClass: 'server', deadLettered: true });
    expect(answer?.payload.message).toContain('PROVIDER_UNAVAILABLE: ERPNext answered 503');
  });

  it('answers an invalid command with VALIDATION_FAILED when its envelope names it', async () => {
    const c = { ...command(), payload: { customerName: '' } };
    expect(await dispatcher.dispatch(delivery(c))).toMatchObject({ action: 'dead-letter', reason: ErrorCodes.validationFailed });
    expect((await answers(c.id))[0]?.payload).toMatchObject({ code: 'VALIDATION_FAILED', errorClass: 'invalid', deadLettered: true });
  });

  it('mirrors a dead-lettered event or an unidentifiable body without answering it', async () => {
    failWith = Object.assign(new Error('bad'), { retryable: false, code: 'PROVIDER_VALIDATION', errorClass: 'validation' });
    const event = createMessage('erp.customer.created', { commandId: command().id, customerName: 'X', erpName: 'X', alreadyExisted: false }, { tenantId: 't1' });
    await dispatcher.dispatch(delivery(event));
    expect(await answers(event.id)).toEqual([]);
    expect(await db.prisma.deadLetter.count({ where: { messageId: event.id } })).toBe(1);
    // The envelope's tenant lands in its column (alerts count dead letters per tenant; the admin API filters by it).
    expect((await db.prisma.deadLetter.findFirst({ where: { messageId: event.id } }))?.tenantId).toBe('t1');
  });
});
