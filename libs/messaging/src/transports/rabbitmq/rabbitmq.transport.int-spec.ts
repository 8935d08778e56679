import { randomUUID } from 'node:crypto';
import { connect } from 'amqplib';
import { closeRabbitMqConnection, rabbitMqCtlAvailable, rabbitMqReachable, testRabbitMqUrl } from '@junction/testing';
import type { DeliveredMessage, OutgoingMessage, SubscriptionSpec } from '../../bus/message-bus.port';
import { complete } from '../../bus/settlement';
import { describeBusConformance, waitFor } from '../../../test/bus.conformance';
import { RabbitHeaders } from './rabbitmq.names';
import { RabbitMqTransport } from './rabbitmq.transport';

const url = testRabbitMqUrl;

const reachable = rabbitMqReachable('the RabbitMQ transport tests', url);
const describeIfBroker = reachable ? describe : describe.skip;
const created: RabbitMqTransport[] = [];

async function createBus(extra: Partial<ConstructorParameters<typeof RabbitMqTransport>[0]> = {}): Promise<RabbitMqTransport> {
  const bus = new RabbitMqTransport({ url, connectionName: `junction-test-${randomUUID()}`, ...extra });
  created.push(bus);
  await bus.connect();
  return bus;
}

/** Deletes what the buses declared for these topics (queues first: an exchange in use by bindings is fine to drop after). */
async function dispose(topics: string[]): Promise<void> {
  const mine = (name: string) => topics.some((t) => name === t || name.startsWith(`${t}.`));
  const queues = new Set<string>();
  const exchanges = new Set<string>();
  for (const bus of created) {
    const declared = bus.declaredTopology();
    declared.queues.filter(mine).forEach((q) => queues.add(q));
    declared.exchanges.filter(mine).forEach((e) => exchanges.add(e));
  }
  const conn = await connect(url);
  try {
    const ch = await conn.createChannel();
    for (const q of queues) await ch.deleteQueue(q);
    for (const e of exchanges) await ch.deleteExchange(e);
    await ch.close();
  } finally {
    await conn.close();
  }
}

describeIfBroker('RabbitMqTransport', () => {
  describeBusConformance('rabbitmq', { create: () => createBus(), dispose, latencyMs: 300 });

  describe('transport specifics', () => {
    const topics: string[] = [];
    const topic = () => {
      const t = `rmq.${randomUUID().slice(0, 8)}`;
      topics.push(t);
      return t;
    };
    const open: RabbitMqTransport[] = [];
    const bus = async (extra: Partial<ConstructorParameters<typeof RabbitMqTransport>[0]> = {}) => {
      const b = await createBus(extra);
      open.push(b);
      return b;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((b) => b.close()));
    });
    afterAll(async () => {
      await dispose(topics);
    });

    it('delivers bytes that are not JSON with body undefined, and dead-letters them when the handler says so', async () => {
      const b = await bus();
      const t = topic();
      const received: DeliveredMessage[] = [];
      await b.subscribe(spec(t, 'raw', ['raw.x']), async (m) => {
        received.push(m);
        return m.body === undefined ? { action: 'dead-letter', reason: 'MALFORMED_MESSAGE', description: 'body is not JSON' } : complete;
      });
      const messageId = randomUUID();
      await withRawChannel(async (ch) => {
        ch.publish(t, '', Buffer.from('{not json', 'utf8'), { messageId, headers: { [RabbitHeaders.routingType]: 'raw.x' } });
      });
      await waitFor(() => received.length === 1);
      expect(received[0]).toMatchObject({ messageId, type: 'raw.x', rawBody: '{not json', deliveryCount: 1 });
      expect(received[0]!.body).toBeUndefined();
      let dead: Awaited<ReturnType<RabbitMqTransport['peekDeadLetters']>> = [];
      await waitFor(async () => (dead = await b.peekDeadLetters(t, 'raw', 10)).length === 1);
      expect(dead[0]).toMatchObject({ messageId, reason: 'MALFORMED_MESSAGE', description: 'body is not JSON', rawBody: '{not json' });
      // Peeking does not consume.
      expect(await b.peekDeadLetters(t, 'raw', 10)).toHaveLength(1);
    });

    it('counts a broker redelivery (un-acked when a consumer channel closed) in deliveryCount', async () => {
      const b = await bus();
      const t = topic();
      const s = spec(t, 'redelivered', ['rd.x']);
      await (await b.subscribe(s, async () => complete)).close(); // declares the queue, then nobody listens
      const m = message(t, 'rd.x', { n: 1 });
      await b.publish([m]);
      await withRawChannel(async (ch) => {
        expect(await ch.get(`${t}.redelivered`, { noAck: false })).not.toBe(false);
      }); // closing the channel returns the un-acked message to the queue
      const received: DeliveredMessage[] = [];
      await b.subscribe(s, async (got) => {
        received.push(got);
        return complete;
      });
      await waitFor(() => received.length === 1);
      expect(received[0]).toMatchObject({ messageId: m.messageId, deliveryCount: 2, body: { n: 1 } });
    });

    it('lets the broker dead-letter a message returned too often (crash loop) as MAX_DELIVERIES_EXCEEDED', async () => {
      const b = await bus();
      const t = topic();
      const s = spec(t, 'looping', ['loop.x'], { maxDeliveryCount: 2 });
      await (await b.subscribe(s, async () => complete)).close();
      const m = message(t, 'loop.x', { n: 2 });
      await b.publish([m]);
      await withRawChannel(async (ch) => {
        for (let i = 0; i < 5; i++) {
          const got = await ch.get(`${t}.looping`, { noAck: false });
          if (got === false) break;
          ch.nack(got, false, true);
        }
      });
      let dead: Awaited<ReturnType<RabbitMqTransport['peekDeadLetters']>> = [];
      await waitFor(async () => (dead = await b.peekDeadLetters(t, 'looping', 10)).length === 1);
      expect(dead[0]).toMatchObject({ messageId: m.messageId, reason: 'MAX_DELIVERIES_EXCEEDED', body: { n: 2 } });
    });

    it('rebinds to the current types (a dropped type no longer arrives) and keeps a queue declared with other arguments', async () => {
      const warnings: string[] = [];
      const b = await bus({ logger: { log: () => undefined, error: () => undefined, warn: (m) => warnings.push(m) } });
      const t = topic();
      const first = await b.subscribe(spec(t, 'rebind', ['a.x', 'b.x']), async () => complete);
      await first.close();
      const received: string[] = [];
      // Another maxDeliveryCount means another x-delivery-limit: queue arguments are immutable, so the
      // existing queue is used as it is, with a warning, instead of failing the subscription.
      await b.subscribe(spec(t, 'rebind', ['b.x'], { maxDeliveryCount: 4 }), async (m) => {
        received.push(m.type);
        return complete;
      });
      await b.publish([message(t, 'a.x', {}), message(t, 'b.x', {})]);
      await waitFor(() => received.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      expect(received).toEqual(['b.x']);
      expect(warnings.join('\n')).toMatch(/exists with other arguments/);
    });

    it('sends a message that arrives before its not-before instant round again (how delays beyond the last bucket chain)', async () => {
      const b = await bus();
      const t = topic();
      const at: number[] = [];
      const received: DeliveredMessage[] = [];
      await b.subscribe(spec(t, 'chained', ['ch.x']), async (m) => {
        received.push(m);
        at.push(Date.now());
        return complete;
      });
      const notBefore = Date.now() + 800;
      await withRawChannel(async (ch) => {
        ch.publish(t, '', Buffer.from('{"n":3}'), {
          messageId: randomUUID(),
          headers: { [RabbitHeaders.routingType]: 'ch.x', [RabbitHeaders.notBefore]: String(notBefore) },
        });
      });
      await waitFor(() => received.length === 1, 5_000);
      expect(at[0]!).toBeGreaterThanOrEqual(notBefore - 30);
      expect(received[0]).toMatchObject({ body: { n: 3 }, deliveryCount: 1 });
    });

    it('consumes again after the broker cancelled the consumer (queue deleted under it)', async () => {
      const b = await bus();
      const t = topic();
      const received: string[] = [];
      await b.subscribe(spec(t, 'cancelled', ['cx.x']), async (m) => {
        received.push(m.messageId);
        return complete;
      });
      await withRawChannel(async (ch) => {
        await ch.deleteQueue(`${t}.cancelled`);
      });
      await waitFor(async () => {
        const m = message(t, 'cx.x', {});
        await b.publish([m]);
        await new Promise((r) => setTimeout(r, 200));
        return received.includes(m.messageId);
      }, 10_000);
      expect(b.health()).toEqual({ up: true });
    });

    (rabbitMqCtlAvailable(url) ? it : it.skip)('recovers from a connection the broker closed: health down, publish rejects, then both come back', async () => {
      const connectionName = `junction-test-${randomUUID()}`;
      const b = await bus({ connectionName, reconnect: { initialDelayMs: 600, maxDelayMs: 2_000 } });
      const t = topic();
      const received: string[] = [];
      await b.subscribe(spec(t, 'resumes', ['re.x']), async (m) => {
        received.push(m.messageId);
        return complete;
      });
      const before = message(t, 're.x', {});
      await b.publish([before]);
      await waitFor(() => received.includes(before.messageId));
      expect(b.health()).toEqual({ up: true });

      closeRabbitMqConnection(connectionName);
      await waitFor(() => !b.health().up);
      expect(b.health().detail).toMatch(/connection lost/);
      await expect(b.publish([message(t, 're.x', {})])).rejects.toThrow(/unavailable/);

      await waitFor(() => b.health().up, 15_000);
      const after = message(t, 're.x', {});
      await b.publish([after]);
      await waitFor(() => received.includes(after.messageId));
    });
  });
});


async function withRawChannel(work: (ch: import('amqplib').Channel) => Promise<void>): Promise<void> {
  const conn = await connect(url);
  try {
    const ch = await conn.createChannel();
    await work(ch);
    await ch.close();
  } finally {
    await conn.close();
  }
}

function spec(topic: string, subscription: string, types: string[], over: Partial<SubscriptionSpec> = {}): SubscriptionSpec {
  return { topic, subscription, types, maxDeliveryCount: 10, concurrency: 4, ...over };
}

function message(topic: string, type: string, body: unknown): OutgoingMessage {
  return { topic, type, messageId: randomUUID(), body };
}
