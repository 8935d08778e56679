import { JsonText, type DeliveredMessage, type MessageHandler, type OutgoingMessage, type Settlement, type SubscriptionSpec } from '../../bus/message-bus.port';
import { complete } from '../../bus/settlement';
import {
  FakeAdmin,
  FakeLogger,
  FakeServiceBusClient,
  deferred,
  receivedMessage,
  type FakeReceiver,
} from './servicebus.sdk-fake';
import { ServiceBusTransport } from './servicebus.transport';

const connectionString = 'Endpoint=sb://unit.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s';
const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function setup(over: { provision?: boolean; admin?: FakeAdmin; connectionString?: string } = {}) {
  const client = new FakeServiceBusClient();
  const logger = new FakeLogger();
  const bus = new ServiceBusTransport({
    connectionString: over.connectionString ?? connectionString,
    provision: over.provision ?? false,
    client,
    adminClient: over.admin,
    logger,
  });
  return { client, logger, bus };
}

function spec(over: Partial<SubscriptionSpec> = {}): SubscriptionSpec {
  return { topic: 'erp.commands', subscription: 'erp-worker', types: ['erp.sales-order.create'], maxDeliveryCount: 5, concurrency: 4, ...over };
}

function message(over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { topic: 'erp.commands', messageId: 'id-1', type: 'erp.sales-order.create', body: { id: 'id-1', correlationId: 'corr-1' }, ...over };
}

/** Subscribes with `handler` and returns the fake receiver the SDK would drive. */
async function subscribed(bus: ServiceBusTransport, client: FakeServiceBusClient, handler: MessageHandler, s = spec()) {
  const handle = await bus.subscribe(s, handler);
  const receiver = client.receivers.at(-1)!;
  return { handle, receiver };
}

function recording(decide: (m: DeliveredMessage) => Settlement | Promise<Settlement> = () => complete) {
  const seen: DeliveredMessage[] = [];
  const handler: MessageHandler = async (m) => {
    seen.push(m);
    return decide(m);
  };
  return { seen, handler };
}

describe('ServiceBusTransport at the SDK boundary', () => {
  describe('publish', () => {
    it('sends id, subject, session, content type, the JSON bytes, headers and correlation id', async () => {
      const { bus, client } = setup();
      await bus.publish([message({ sessionId: 'customer-42', headers: { traceparent, 'x-tenant': 't1' } })]);

      const [sent] = client.sender('erp.commands').sends;
      expect(sent).toEqual([
        {
          messageId: 'id-1',
          subject: 'erp.sales-order.create',
          contentType: 'application/json',
          body: Buffer.from('{"id":"id-1","correlationId":"corr-1"}'),
          sessionId: 'customer-42',
          correlationId: 'corr-1',
          applicationProperties: { traceparent, 'x-tenant': 't1', 'x-junction-type': 'erp.sales-order.create' },
        },
      ]);
    });

    it('gives a redriven message a broker id of its own (duplicate detection would drop it) and carries the envelope id', async () => {
      const { bus, client } = setup();
      await bus.publish([message({ headers: { 'junction-redrive-count': '2' } }), message({ headers: { 'junction-redrive-count': '2' } })]);

      const [first, second] = client.sender('erp.commands').sends[0]!;
      expect(first!.messageId).toMatch(/^id-1:redrive:2:/);
      expect(second!.messageId).not.toBe(first!.messageId);
      expect(first!.applicationProperties).toMatchObject({ 'junction-redrive-count': '2', 'x-junction-message-id': 'id-1' });
      const { seen, handler } = recording();
      const { receiver } = await subscribed(bus, client, handler);
      await receiver.deliver(receivedMessage({ messageId: first!.messageId, subject: 'erp.sales-order.create', applicationProperties: first!.applicationProperties }));
      expect(seen[0]).toMatchObject({ messageId: 'id-1', headers: { 'junction-redrive-count': '2' } });
      expect(seen[0]!.headers).not.toHaveProperty('x-junction-message-id');
    });

    it('sends a body that is already JSON text (the outbox relay) as exactly those bytes: integers past 2^53 keep their digits', async () => {
      const { bus, client } = setup();
      const text = '{"id": "id-1", "correlationId": "corr-9", "payload": {"orderId": 9007199254740993, "total": 1.10}}';
      await bus.publish([message({ body: new JsonText(text), headers: { 'x-correlation-id': 'corr-9' } })]);

      const [sent] = client.sender('erp.commands').sends;
      expect(Buffer.isBuffer(sent![0]!.body)).toBe(true);
      expect((sent![0]!.body as Buffer).toString('utf8')).toBe(text);
      expect(sent![0]!.correlationId).toBe('corr-9');
    });

    it('refuses a message over maxMessageBytes before sending any of the batch, naming it', async () => {
      const client = new FakeServiceBusClient();
      const bus = new ServiceBusTransport({ connectionString, provision: false, client, maxMessageBytes: 1_024 });
      const huge = message({ messageId: 'huge', body: { blob: 'x'.repeat(2_000) } });
      await expect(bus.publish([message({ messageId: 'small' }), huge])).rejects.toMatchObject({
        name: 'PermanentPublishError',
        code: 'MESSAGE_TOO_LARGE',
        messageId: 'huge',
      });
      expect(client.sendersCreated).toBe(0);
    });

    it('sets scheduledEnqueueTimeUtc for a delayed message and nothing for an immediate one', async () => {
      const { bus, client } = setup();
      const at = new Date(Date.now() + 60_000);
      await bus.publish([message({ messageId: 'later', scheduledAt: at }), message({ messageId: 'now', body: { plain: true } })]);

      const [later, now] = client.sender('erp.commands').sends[0]!;
      expect(later!.scheduledEnqueueTimeUtc).toBe(at);
      expect(now!.scheduledEnqueueTimeUtc).toBeUndefined();
      expect(now!.correlationId).toBeUndefined();
    });

    it('keeps one sender per topic across publishes', async () => {
      const { bus, client } = setup();
      await bus.publish([message(), message({ topic: 'crm.commands', messageId: 'id-2' })]);
      await bus.publish([message({ messageId: 'id-3' })]);
      expect(client.sendersCreated).toBe(2);
      expect(client.sender('erp.commands').sends.map((b) => b.map((m) => m.messageId))).toEqual([['id-1'], ['id-3']]);
      expect(client.sender('crm.commands').sends.map((b) => b.map((m) => m.messageId))).toEqual([['id-2']]);
    });

    it('starts a new batch when tryAddMessage says the batch is full, keeping order', async () => {
      const { bus, client } = setup();
      await bus.publish([message({ messageId: 'first' })]);
      const sender = client.sender('erp.commands');
      sender.sends.length = 0;
      sender.batchCapacity = 2;
      await bus.publish(['a', 'b', 'c', 'd', 'e'].map((id) => message({ messageId: id })));
      expect(client.sender('erp.commands').sends.map((b) => b.map((m) => m.messageId))).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    });

    it('never mixes sessions in one batch and rejects a message that fits no batch', async () => {
      const { bus, client } = setup();
      await bus.publish([message({ messageId: 'a1', sessionId: 'a' }), message({ messageId: 'b1', sessionId: 'b' }), message({ messageId: 'a2', sessionId: 'a' })]);
      expect(client.sender('erp.commands').sends.map((b) => b.map((m) => m.messageId))).toEqual([['a1', 'a2'], ['b1']]);

      client.sender('erp.commands').batchCapacity = 0;
      await expect(bus.publish([message({ messageId: 'huge' })])).rejects.toMatchObject({ code: 'MESSAGE_TOO_LARGE', messageId: 'huge', message: expect.stringMatching(/huge does not fit/) });
    });

    it('refuses to publish once closed', async () => {
      const { bus } = setup();
      await bus.close();
      await expect(bus.publish([message()])).rejects.toThrow(/closed/);
    });
  });

  describe('subscribe and settle', () => {
    it('receives peek-locked with explicit settlement and the spec concurrency, and completes on success', async () => {
      const { bus, client } = setup();
      const { seen, handler } = recording();
      const { receiver } = await subscribed(bus, client, handler, spec({ concurrency: 3 }));
      expect(receiver.entityPath).toBe('erp.commands/Subscriptions/erp-worker');
      expect(receiver.options).toMatchObject({ receiveMode: 'peekLock', skipParsingBodyAsJson: true });
      expect(receiver.subscribeOptions).toMatchObject({ autoCompleteMessages: false, maxConcurrentCalls: 3 });

      await receiver.deliver(
        receivedMessage({
          messageId: 'id-1',
          subject: 'erp.sales-order.create',
          sessionId: 'customer-42',
          bytes: '{"id":"id-1","payload":{"qty":2}}',
          applicationProperties: { traceparent, 'x-junction-type': 'erp.sales-order.create' },
        }),
      );

      expect(seen).toHaveLength(1);
      expect(seen[0]).toMatchObject({
        messageId: 'id-1',
        type: 'erp.sales-order.create',
        topic: 'erp.commands',
        subscription: 'erp-worker',
        body: { id: 'id-1', payload: { qty: 2 } },
        rawBody: '{"id":"id-1","payload":{"qty":2}}',
        deliveryCount: 1,
        sessionId: 'customer-42',
        headers: { traceparent },
      });
      expect(receiver.settled).toEqual([{ action: 'complete', messageId: 'id-1' }]);
    });

    it('retries by scheduling a copy for this subscription only, then completing the original', async () => {
      const { bus, client } = setup();
      const { handler } = recording(() => ({ action: 'retry', delayMs: 30_000, reason: 'PROVIDER_UNAVAILABLE', description: '503' }));
      const { receiver } = await subscribed(bus, client, handler);
      const before = Date.now();
      await receiver.deliver(receivedMessage({ messageId: 'id-1', bytes: '{"v":1}', applicationProperties: { traceparent, 'x-junction-type': 'x.happened' } }));

      const sender = client.sender('erp.commands');
      expect(sender.scheduled).toHaveLength(1);
      const { message: copy, at } = sender.scheduled[0]!;
      expect(copy.subject).toBe('retry:erp-worker');
      expect(copy.applicationProperties).toMatchObject({
        traceparent,
        'x-junction-type': 'x.happened',
        'x-junction-delivery-count': '2',
        'x-junction-message-id': 'id-1',
      });
      expect(Buffer.from(copy.body as Buffer).toString('utf8')).toBe('{"v":1}');
      expect(at.getTime()).toBeGreaterThanOrEqual(before + 30_000);
      expect(at.getTime()).toBeLessThan(Date.now() + 30_000 + 1_000);
      expect(receiver.settled).toEqual([{ action: 'complete', messageId: 'id-1' }]);
      // Schedule first, complete second: a crash in between duplicates instead of losing.
      expect(client.log.filter((e) => e.startsWith('schedule') || e.startsWith('complete'))).toEqual([
        `schedule:erp.commands:${String(copy.messageId)}`,
        'complete:id-1',
      ]);
    });

    it('shows a retry copy to the handler as the original message, one delivery later', async () => {
      const { bus, client } = setup();
      const { seen, handler } = recording();
      const { receiver } = await subscribed(bus, client, handler);
      await receiver.deliver(
        receivedMessage({
          messageId: 'id-1:retry:erp-worker:2',
          subject: 'retry:erp-worker',
          applicationProperties: { 'x-junction-type': 'x.happened', 'x-junction-delivery-count': '2', 'x-junction-message-id': 'id-1', traceparent },
        }),
      );
      expect(seen[0]).toMatchObject({ messageId: 'id-1', type: 'x.happened', deliveryCount: 2, headers: { traceparent } });
      expect(Object.keys(seen[0]!.headers)).toEqual(['traceparent']);
    });

    it('adds broker redeliveries (lock expiry, abandon) to the delivery count', async () => {
      const { bus, client } = setup();
      const { seen, handler } = recording();
      const { receiver } = await subscribed(bus, client, handler);
      await receiver.deliver(receivedMessage({ deliveryCount: 2 }));
      await receiver.deliver(receivedMessage({ deliveryCount: 1, applicationProperties: { 'x-junction-delivery-count': '3' } }));
      expect(seen.map((m) => m.deliveryCount)).toEqual([3, 4]);
    });

    it('dead-letters a retry at maxDeliveryCount with MAX_DELIVERIES_EXCEEDED and the last failure', async () => {
      const { bus, client } = setup();
      const { handler } = recording(() => ({ action: 'retry', delayMs: 10, reason: 'PROVIDER_UNAVAILABLE', description: 'ERPNext answered 503' }));
      const { receiver } = await subscribed(bus, client, handler, spec({ maxDeliveryCount: 3 }));
      await receiver.deliver(receivedMessage({ messageId: 'id-9', applicationProperties: { 'x-junction-delivery-count': '3', 'x-junction-message-id': 'id-9' } }));

      expect(client.senders.get('erp.commands')?.scheduled ?? []).toEqual([]);
      expect(receiver.settled).toHaveLength(1);
      const [dead] = receiver.settled;
      expect(dead!.action).toBe('dead-letter');
      expect(dead!.options!.deadLetterReason).toBe('MAX_DELIVERIES_EXCEEDED');
      expect(dead!.options!.deadLetterErrorDescription).toContain('gave up after 3 deliveries');
      expect(dead!.options!.deadLetterErrorDescription).toContain('ERPNext answered 503');
    });

    it('dead-letters with the handler’s reason and description', async () => {
      const { bus, client } = setup();
      const { handler } = recording(() => ({ action: 'dead-letter', reason: 'VALIDATION_FAILED', description: 'payload.qty: required' }));
      const { receiver } = await subscribed(bus, client, handler);
      await receiver.deliver(receivedMessage({ messageId: 'bad' }));
      expect(receiver.settled).toEqual([
        { action: 'dead-letter', messageId: 'bad', options: { deadLetterReason: 'VALIDATION_FAILED', deadLetterErrorDescription: 'payload.qty: required' } },
      ]);
    });

    it('treats a handler that throws as a retry (HANDLER_FAILED)', async () => {
      const { bus, client } = setup();
      const { receiver } = await subscribed(bus, client, async () => {
        throw new Error('boom');
      });
      await receiver.deliver(receivedMessage({ messageId: 'id-t' }));
      const [scheduled] = client.sender('erp.commands').scheduled;
      expect(scheduled!.message.applicationProperties!['x-junction-delivery-count']).toBe('2');
      expect(receiver.settled).toEqual([{ action: 'complete', messageId: 'id-t' }]);
    });

    it('gives bytes that are not JSON to the handler as body undefined with the raw text', async () => {
      const { bus, client } = setup();
      const { seen, handler } = recording((m) =>
        m.body === undefined ? { action: 'dead-letter', reason: 'MALFORMED_MESSAGE', description: 'not JSON' } : complete,
      );
      const { receiver } = await subscribed(bus, client, handler);
      await receiver.deliver(receivedMessage({ messageId: 'junk', bytes: '<xml>not json' }));
      expect(seen[0]!.body).toBeUndefined();
      expect(seen[0]!.rawBody).toBe('<xml>not json');
      expect(receiver.settled[0]!.action).toBe('dead-letter');
    });

    it('abandons the original when the retry copy cannot be scheduled, so nothing is lost', async () => {
      const { bus, client, logger } = setup();
      const { receiver } = await subscribed(bus, client, async () => ({ action: 'retry', delayMs: 5, reason: 'X', description: 'y' }));
      await bus.publish([message()]); // creates the topic's sender
      client.sender('erp.commands').failSchedule = new Error('ServiceBusy');
      await receiver.deliver(receivedMessage({ messageId: 'id-s' }));
      expect(receiver.settled).toEqual([{ action: 'abandon', messageId: 'id-s' }]);
      expect(logger.entries.some((e) => e.level === 'warn' && JSON.stringify(e.message).includes('ServiceBusy'))).toBe(true);
    });

    it('logs a settlement that fails (lock lost) instead of throwing into the SDK', async () => {
      const { bus, client, logger } = setup();
      const { receiver } = await subscribed(bus, client, async () => complete);
      receiver.failComplete = new Error('MessageLockLost');
      await expect(receiver.deliver(receivedMessage({ messageId: 'id-l' }))).resolves.toBeUndefined();
      expect(logger.entries.filter((e) => e.level === 'warn').map((e) => JSON.stringify(e.message))).toEqual([
        expect.stringContaining('MessageLockLost'),
      ]);
    });

    it('handles one session at a time in arrival order while other sessions run in parallel', async () => {
      const { bus, client } = setup();
      const gates = new Map<string, ReturnType<typeof deferred<void>>>();
      const started: string[] = [];
      const { receiver } = await subscribed(bus, client, async (m) => {
        started.push(m.messageId);
        const gate = deferred();
        gates.set(m.messageId, gate);
        await gate.promise;
        return complete;
      });
      const deliveries = [
        receiver.deliver(receivedMessage({ messageId: 'a1', sessionId: 'a' })),
        receiver.deliver(receivedMessage({ messageId: 'a2', sessionId: 'a' })),
        receiver.deliver(receivedMessage({ messageId: 'b1', sessionId: 'b' })),
        receiver.deliver(receivedMessage({ messageId: 'a3', sessionId: 'a' })),
      ];
      await flush();
      expect(started).toEqual(['a1', 'b1']);
      gates.get('b1')!.resolve();
      await flush();
      expect(started).toEqual(['a1', 'b1']);
      gates.get('a1')!.resolve();
      await flush();
      expect(started).toEqual(['a1', 'b1', 'a2']);
      gates.get('a2')!.resolve();
      await flush();
      gates.get('a3')!.resolve();
      await Promise.all(deliveries);
      expect(started).toEqual(['a1', 'b1', 'a2', 'a3']);
      expect(receiver.settled.map((s) => s.messageId)).toEqual(['b1', 'a1', 'a2', 'a3']);
    });

    it('refuses a second consumer for the same subscription in one process', async () => {
      const { bus, client } = setup();
      await subscribed(bus, client, async () => complete);
      await expect(bus.subscribe(spec(), async () => complete)).rejects.toThrow(/already has a consumer/);
    });
  });

  describe('close', () => {
    it('stops receiving, lets the in-flight handler settle, then closes receiver, senders and client', async () => {
      const { bus, client } = setup();
      const gate = deferred();
      const { receiver } = await subscribed(bus, client, async (m) => {
        client.log.push(`handler.start:${m.messageId}`);
        await gate.promise;
        client.log.push(`handler.end:${m.messageId}`);
        return complete;
      });
      await bus.publish([message({ messageId: 'p' })]);
      const delivery = receiver.deliver(receivedMessage({ messageId: 'slow' }));
      await flush();

      let closed = false;
      const closing = bus.close().then(() => (closed = true));
      await flush();
      expect(receiver.subscriptionClosed).toBe(true);
      expect(receiver.isClosed).toBe(false);
      expect(closed).toBe(false);

      gate.resolve();
      await Promise.all([delivery, closing]);
      expect(client.log.slice(client.log.indexOf('handler.start:slow'))).toEqual([
        'handler.start:slow',
        'subscription.close',
        'handler.end:slow',
        'complete:slow',
        'receiver.close:erp.commands/Subscriptions/erp-worker',
        'sender.close:erp.commands',
        'client.close',
      ]);
      expect(bus.health()).toEqual({ up: false, detail: 'closed' });
    });

    it('gives back a message that arrives while stopping instead of handling it', async () => {
      const { bus, client } = setup();
      const { seen, handler } = recording();
      const { handle, receiver } = await subscribed(bus, client, handler);
      const closing = handle.close();
      await receiver.deliver(receivedMessage({ messageId: 'late' }));
      await closing;
      expect(seen).toEqual([]);
      expect(receiver.settled).toEqual([{ action: 'abandon', messageId: 'late' }]);
    });
  });

  describe('health', () => {
    it('goes down on a receiver error, logs it, and recovers once messages flow again', async () => {
      const { bus, client, logger } = setup();
      const { receiver } = await subscribed(bus, client, async () => complete);
      expect(bus.health()).toEqual({ up: true });

      await receiver.handlers!.processError({
        error: Object.assign(new Error('unauthorized'), { code: 'UnauthorizedAccess' }),
        errorSource: 'receive',
        entityPath: receiver.entityPath,
        fullyQualifiedNamespace: 'unit.servicebus.windows.net',
        identifier: 'r',
      });
      expect(bus.health()).toEqual({ up: false, detail: 'receive on erp.commands/Subscriptions/erp-worker: unauthorized' });
      expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(1);

      await sleep(2);
      await receiver.deliver(receivedMessage());
      expect(bus.health()).toEqual({ up: true });
    });
  });

  describe('removeDeadLetters', () => {
    const dead = (id: string) => receivedMessage({ messageId: id, bytes: `{"id":"${id}"}`, deadLetterReason: 'PROVIDER_VALIDATION' });

    it('receives the $deadletterqueue with peek-lock, completes the named messages, abandons the rest once the scan is done', async () => {
      const { bus, client } = setup();
      let receiver: FakeReceiver | undefined;
      client.prepareReceiver = (r) => {
        receiver = r;
        r.receivable.push(dead('d1'), dead('d2'), dead('d3'), dead('d2'));
      };
      expect(await bus.removeDeadLetters('erp.commands', 'erp-worker', new Set(['d2', 'd9']), 100)).toBe(2);

      expect(receiver!.options).toMatchObject({ subQueueType: 'deadLetter', receiveMode: 'peekLock' });
      expect(receiver!.settled).toEqual([
        { action: 'complete', messageId: 'd2' },
        { action: 'complete', messageId: 'd2' },
        { action: 'abandon', messageId: 'd1' },
        { action: 'abandon', messageId: 'd3' },
      ]);
      expect(receiver!.receivable.map((m) => m.messageId)).toEqual(['d1', 'd3']);
      expect(receiver!.isClosed).toBe(true);
    });

    it('looks at no more than scanMax messages, and touches nothing for an empty set', async () => {
      const { bus, client } = setup();
      const receivers: FakeReceiver[] = [];
      client.prepareReceiver = (r) => {
        receivers.push(r);
        r.receivable.push(dead('d1'), dead('d2'), dead('d3'));
      };
      expect(await bus.removeDeadLetters('erp.commands', 'erp-worker', new Set(['d3']), 2)).toBe(0);
      expect(receivers[0]!.receivable).toHaveLength(3);
      expect(await bus.removeDeadLetters('erp.commands', 'erp-worker', new Set(), 100)).toBe(0);
      expect(receivers).toHaveLength(1);
    });
  });

  describe('peekDeadLetters', () => {
    it('peeks the dead-letter sub-queue page by page and maps reason and description', async () => {
      const { bus, client } = setup();
      let deadLetterReceiver: FakeReceiver | undefined;
      client.prepareReceiver = (r) => {
        deadLetterReceiver = r;
        r.peekPage = 2;
        r.peekable.push(
          ...['d1', 'd2', 'd3'].map((id) =>
            receivedMessage({ messageId: id, bytes: `{"id":"${id}"}`, deadLetterReason: 'VALIDATION_FAILED', deadLetterErrorDescription: `bad ${id}` }),
          ),
        );
      };
      const dead = await bus.peekDeadLetters('erp.commands', 'erp-worker', 10);

      expect(deadLetterReceiver!.options).toMatchObject({ subQueueType: 'deadLetter', skipParsingBodyAsJson: true });
      expect(dead.map((d) => [d.messageId, d.reason, d.description, d.body, d.deliveryCount])).toEqual([
        ['d1', 'VALIDATION_FAILED', 'bad d1', { id: 'd1' }, 1],
        ['d2', 'VALIDATION_FAILED', 'bad d2', { id: 'd2' }, 1],
        ['d3', 'VALIDATION_FAILED', 'bad d3', { id: 'd3' }, 1],
      ]);
      expect(deadLetterReceiver!.isClosed).toBe(true);
    });

    it('stops at max', async () => {
      const { bus, client } = setup();
      client.prepareReceiver = (r) => r.peekable.push(...['d1', 'd2', 'd3'].map((id) => receivedMessage({ messageId: id })));
      expect((await bus.peekDeadLetters('erp.commands', 'erp-worker', 2)).map((d) => d.messageId)).toEqual(['d1', 'd2']);
    });
  });

  describe('provisioning', () => {
    it('creates the topic, the subscription with maxDeliveryCount and one correlation rule per type plus the retry rule', async () => {
      const admin = new FakeAdmin();
      const { bus, client } = setup({ provision: true, admin });
      await subscribed(bus, client, async () => complete, spec({ types: ['erp.sales-order.create', 'erp.customer.upsert'], maxDeliveryCount: 7 }));

      expect(admin.calls[0]).toBe('createTopic:erp.commands');
      expect(admin.calls[1]).toBe('createSubscription:erp.commands/erp-worker');
      const sub = admin.subscriptions.get('erp.commands/erp-worker')!;
      expect(sub.props).toMatchObject({ maxDeliveryCount: 7, deadLetteringOnMessageExpiration: true });
      expect(Object.fromEntries([...sub.rules.values()].map((r) => [r.name, r.filter]))).toEqual({
        'type.erp.sales-order.create': { subject: 'erp.sales-order.create' },
        'type.erp.customer.upsert': { subject: 'erp.customer.upsert' },
        'junction-retry': { subject: 'retry:erp-worker' },
      });
      expect(admin.calls).not.toContain('deleteRule:$Default');
    });

    it('reconciles an existing subscription: adds missing rules before deleting $Default and stale type rules', async () => {
      const admin = new FakeAdmin();
      admin.topics.add('erp.commands');
      await admin.createSubscription('erp.commands', 'erp-worker', { maxDeliveryCount: 10 });
      await admin.createRule('erp.commands', 'erp-worker', 'type.erp.old-thing', { subject: 'erp.old-thing' });
      await admin.createRule('erp.commands', 'erp-worker', 'ops-audit', { subject: 'audit' });
      admin.calls.length = 0;

      const { bus, client } = setup({ provision: true, admin });
      await subscribed(bus, client, async () => complete, spec({ maxDeliveryCount: 5 }));

      expect(admin.calls).toEqual([
        'updateSubscription:erp.commands/erp-worker:maxDeliveryCount=5',
        'createRule:type.erp.sales-order.create',
        'createRule:junction-retry',
        'deleteRule:$Default',
        'deleteRule:type.erp.old-thing',
      ]);
      expect([...admin.subscriptions.get('erp.commands/erp-worker')!.rules.keys()].sort()).toEqual(['junction-retry', 'ops-audit', 'type.erp.sales-order.create']);
    });

    it('leaves an up-to-date subscription alone', async () => {
      const admin = new FakeAdmin();
      const first = setup({ provision: true, admin });
      await subscribed(first.bus, first.client, async () => complete);
      admin.calls.length = 0;
      const second = setup({ provision: true, admin });
      await subscribed(second.bus, second.client, async () => complete);
      expect(admin.calls).toEqual([]);
    });

    it('does not provision against the emulator by default', async () => {
      const admin = new FakeAdmin();
      const client = new FakeServiceBusClient();
      const bus = new ServiceBusTransport({
        connectionString: 'Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;',
        client,
        adminClient: admin,
        logger: new FakeLogger(),
      });
      await bus.subscribe(spec(), async () => complete);
      expect(admin.calls).toEqual([]);
      expect(client.receivers).toHaveLength(1);
    });

    it('hashes a type that is not a valid rule name into a stable one', async () => {
      const admin = new FakeAdmin();
      const { bus, client } = setup({ provision: true, admin });
      const longType = `erp.${'very-long-name.'.repeat(5)}create`;
      await subscribed(bus, client, async () => complete, spec({ types: [longType] }));
      const names = [...admin.subscriptions.get('erp.commands/erp-worker')!.rules.keys()].filter((n) => n !== 'junction-retry');
      expect(names).toHaveLength(1);
      expect(names[0]!.length).toBeLessThanOrEqual(50);
      expect(names[0]).toMatch(/^type\.[A-Za-z0-9._-]+-[0-9a-f]{16}$/);
      expect(admin.subscriptions.get('erp.commands/erp-worker')!.rules.get(names[0]!)!.filter).toEqual({ subject: longType });
    });
  });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lets every pending promise chain run (the fakes resolve without I/O). */
async function flush(): Promise<void> {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setImmediate(r));
}
