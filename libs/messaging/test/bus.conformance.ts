import { randomUUID } from 'node:crypto';
import { context, trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { activeTraceId, withConsumerSpan, withProducerSpan } from '@junction/telemetry';
import { JsonText, type DeliveredMessage, type MessageBus, type OutgoingMessage, type Settlement, type SubscriptionSpec } from '../src/bus/message-bus.port';
import { complete } from '../src/bus/settlement';

/**
 * The behaviour every MessageBus transport must show. Each transport's spec calls this with a factory;
 * names are unique per test so a real broker's leftovers never interfere.
 */
export interface BusUnderTest {
  /** A fresh, connected bus. Several may exist at once (two "processes"). */
  create(): Promise<MessageBus>;
  /** Remove broker state created for these topics (optional). */
  dispose?(topics: string[]): Promise<void>;
  /** Upper bound for a publish to reach a consumer on this transport. */
  latencyMs?: number;
}

export function describeBusConformance(name: string, under: BusUnderTest): void {
  describe(`MessageBus conformance: ${name}`, () => {
    const buses: MessageBus[] = [];
    const topics: string[] = [];
    const settle = under.latencyMs ?? 500;

    const bus = async () => {
      const b = await under.create();
      buses.push(b);
      return b;
    };
    const topic = () => {
      const t = `conf.${randomUUID().slice(0, 8)}`;
      topics.push(t);
      return t;
    };

    afterEach(async () => {
      await Promise.all(buses.splice(0).map((b) => b.close()));
    });
    afterAll(async () => {
      await under.dispose?.(topics);
    });

    it('fans a message out to every subscription and preserves id, body, headers', async () => {
      const b = await bus();
      const t = topic();
      const a = collector();
      const c = collector();
      await b.subscribe(spec(t, 'sub-a', ['x.happened']), a.handler);
      await b.subscribe(spec(t, 'sub-b', ['x.happened']), c.handler);
      const m = message(t, 'x.happened', { n: 1, nested: { ok: true } }, { headers: { 'x-test': 'yes' } });
      await b.publish([m]);
      await waitFor(() => a.received.length === 1 && c.received.length === 1);
      for (const got of [a.received[0]!, c.received[0]!]) {
        expect(got.messageId).toBe(m.messageId);
        expect(got.type).toBe('x.happened');
        expect(got.body).toEqual({ n: 1, nested: { ok: true } });
        expect(got.headers['x-test']).toBe('yes');
        expect(got.deliveryCount).toBe(1);
      }
      expect(a.received[0]!.subscription).toBe('sub-a');
      expect(c.received[0]!.subscription).toBe('sub-b');
    });

    it('sends a body that is already JSON text (the outbox relay) as those bytes, delivered as the value', async () => {
      const b = await bus();
      const t = topic();
      const a = collector();
      await b.subscribe(spec(t, 'sub-json', ['x.happened']), a.handler);
      const text = '{"n": 1, "nested": {"ok": true}, "s": "ü \\u0041"}';
      await b.publish([message(t, 'x.happened', new JsonText(text))]);
      await waitFor(() => a.received.length === 1);
      expect(a.received[0]!.body).toEqual({ n: 1, nested: { ok: true }, s: 'ü A' });
      expect(a.received[0]!.rawBody).toBe(text);
    });

    it('holds a message whose type no subscription takes in the topic\'s unrouted queue: counted, visible, intact', async () => {
      const b = await bus();
      const t = topic();
      const a = collector();
      await b.applyTopology({ topics: [t], subscriptions: [{ topic: t, subscription: 'taker', types: ['a.x'], maxDeliveryCount: 10 }] });
      await b.subscribe(spec(t, 'taker', ['a.x']), a.handler);
      const taken = message(t, 'a.x', { n: 1 });
      const nobody = message(t, 'b.x', new JsonText('{"big":9007199254740993}'), { headers: { 'x-test': 'kept' } });
      const scheduled = message(t, 'c.x', { later: true }, { scheduledAt: new Date(Date.now() + 300) });
      await b.publish([taken, nobody, scheduled]);
      await waitFor(() => a.received.length === 1);
      let unrouted = await b.peekUnrouted(t, 10);
      await waitFor(async () => (unrouted = await b.peekUnrouted(t, 10)).count === 2, 5_000);
      expect(a.received.map((m) => m.messageId)).toEqual([taken.messageId]);
      expect(unrouted.messages.map((m) => [m.messageId, m.type, m.subscription])).toEqual([
        [nobody.messageId, 'b.x', 'unrouted'],
        [scheduled.messageId, 'c.x', 'unrouted'],
      ]);
      expect(unrouted.messages[0]!.rawBody).toBe('{"big":9007199254740993}');
      expect(unrouted.messages[0]!.headers['x-test']).toBe('kept');
      // Peeking leaves them in place.
      expect((await b.peekUnrouted(t, 10)).count).toBe(2);
    });

    it('a message published before its consumer starts waits in the subscription the topology declared', async () => {
      const b = await bus();
      const t = topic();
      await b.applyTopology({ topics: [t], subscriptions: [{ topic: t, subscription: 'late', types: ['l.x'], maxDeliveryCount: 10 }] });
      const early = message(t, 'l.x', { early: true });
      await b.publish([early]);
      await sleep(settle);
      const c = collector();
      await b.subscribe(spec(t, 'late', ['l.x']), c.handler);
      await waitFor(() => c.received.length === 1);
      expect(c.received[0]!.messageId).toBe(early.messageId);
      expect((await b.peekUnrouted(t, 10)).count).toBe(0);
    });

    it('refuses a message over maxMessageBytes before sending any of its batch, as a permanent failure naming it', async () => {
      const b = await bus();
      const t = topic();
      const c = collector();
      await b.subscribe(spec(t, 'sized', ['z.x']), c.handler);
      const small = message(t, 'z.x', { n: 1 });
      const huge = message(t, 'z.x', new JsonText(JSON.stringify({ blob: 'x'.repeat(b.maxMessageBytes) })));
      await expect(b.publish([small, huge])).rejects.toMatchObject({ name: 'PermanentPublishError', code: 'MESSAGE_TOO_LARGE', messageId: huge.messageId });
      await b.publish([message(t, 'z.x', { n: 2 })]);
      await waitFor(() => c.received.length >= 1);
      await sleep(settle);
      expect(c.received.map((m) => m.body)).toEqual([{ n: 2 }]);
    });

    it('delivers only the types a subscription filters on', async () => {
      const b = await bus();
      const t = topic();
      const only = collector();
      await b.subscribe(spec(t, 'only-a', ['a.thing']), only.handler);
      await b.publish([message(t, 'b.thing', {}), message(t, 'a.thing', { want: 1 }), message(t, 'c.thing', {})]);
      await waitFor(() => only.received.length >= 1);
      await sleep(settle);
      expect(only.received.map((m) => m.type)).toEqual(['a.thing']);
    });

    it('redelivers after a retryable failure, counting deliveries', async () => {
      const b = await bus();
      const t = topic();
      const c = collector((m) => (m.deliveryCount < 3 ? retry(50) : complete));
      await b.subscribe(spec(t, 'retrying', ['r.x'], { maxDeliveryCount: 5 }), c.handler);
      await b.publish([message(t, 'r.x', { v: 1 })]);
      await waitFor(() => c.received.length === 3);
      expect(c.received.map((m) => m.deliveryCount)).toEqual([1, 2, 3]);
      expect(new Set(c.received.map((m) => m.messageId)).size).toBe(1);
      await sleep(settle);
      expect(c.received).toHaveLength(3);
      expect(await b.peekDeadLetters(t, 'retrying', 10)).toEqual([]);
    });

    it('dead-letters after maxDeliveryCount with the reason and the last failure', async () => {
      const b = await bus();
      const t = topic();
      const c = collector(() => retry(20, 'PROVIDER_UNAVAILABLE', 'ERPNext answered 503'));
      await b.subscribe(spec(t, 'doomed', ['d.x'], { maxDeliveryCount: 3 }), c.handler);
      const m = message(t, 'd.x', { v: 2 });
      await b.publish([m]);
      const dead = await waitForDeadLetters(b, t, 'doomed', 1);
      expect(c.received).toHaveLength(3);
      expect(dead[0]!.messageId).toBe(m.messageId);
      expect(dead[0]!.reason).toBe('MAX_DELIVERIES_EXCEEDED');
      expect(dead[0]!.description).toContain('ERPNext answered 503');
      expect(dead[0]!.body).toEqual({ v: 2 });
      await sleep(settle);
      expect(c.received).toHaveLength(3);
    });

    it('dead-letters an invalid message at once and keeps consuming the next one', async () => {
      const b = await bus();
      const t = topic();
      const c = collector((m) =>
        (m.body as { valid?: boolean }).valid ? complete : { action: 'dead-letter', reason: 'VALIDATION_FAILED', description: 'payload.valid: required' },
      );
      await b.subscribe(spec(t, 'validating', ['v.x'], { maxDeliveryCount: 5 }), c.handler);
      const bad = message(t, 'v.x', { valid: false });
      const good = message(t, 'v.x', { valid: true });
      await b.publish([bad, good]);
      const dead = await waitForDeadLetters(b, t, 'validating', 1);
      await waitFor(() => c.received.some((m) => m.messageId === good.messageId));
      expect(dead.map((d) => [d.messageId, d.reason, d.description, d.deliveryCount])).toEqual([
        [bad.messageId, 'VALIDATION_FAILED', 'payload.valid: required', 1],
      ]);
      expect(c.received.filter((m) => m.messageId === bad.messageId)).toHaveLength(1);
    });

    it('holds a scheduled message until its time', async () => {
      const b = await bus();
      const t = topic();
      const c = collector();
      await b.subscribe(spec(t, 'later', ['s.x']), c.handler);
      const delayMs = 1_500;
      const sentAt = Date.now();
      await b.publish([message(t, 's.x', {}, { scheduledAt: new Date(sentAt + delayMs) })]);
      await sleep(delayMs - 700);
      expect(c.received).toHaveLength(0);
      await waitFor(() => c.received.length === 1, delayMs + 5_000);
      expect(c.at[0]! - sentAt).toBeGreaterThanOrEqual(delayMs - 50);
    });

    it('handles one entity at a time, in publish order, while other entities run in parallel', async () => {
      const b = await bus();
      const t = topic();
      const order = new Map<string, number[]>();
      let running = 0;
      let maxRunning = 0;
      let finished = 0;
      const c = collector(async (m) => {
        running++;
        maxRunning = Math.max(maxRunning, running);
        await sleep(Math.random() * 15);
        const { key, n } = m.body as { key: string; n: number };
        order.set(key, [...(order.get(key) ?? []), n]);
        running--;
        finished++;
        return complete;
      });
      await b.subscribe(spec(t, 'ordered', ['o.x'], { concurrency: 4 }), c.handler);
      const keys = ['k1', 'k2', 'k3', 'k4'];
      const batch: OutgoingMessage[] = [];
      for (let n = 0; n < 12; n++) for (const key of keys) batch.push(message(t, 'o.x', { key, n }, { sessionId: key }));
      await b.publish(batch);
      await waitFor(() => finished === batch.length, 20_000);
      expect(c.received).toHaveLength(batch.length);
      for (const key of keys) expect(order.get(key)).toEqual([...Array(12).keys()]);
      expect(maxRunning).toBeGreaterThan(1);
      expect(maxRunning).toBeLessThanOrEqual(4);
    });

    it('continues the producer trace in the consumer', async () => {
      const provider = new NodeTracerProvider();
      provider.register();
      try {
        const b = await bus();
        const t = topic();
        const seen: Array<string | undefined> = [];
        await b.subscribe(spec(t, 'traced', ['t.x']), (m) =>
          withConsumerSpan(`${t} process`, m.headers, {}, async () => {
            seen.push(activeTraceId());
            return complete;
          }),
        );
        let producerTrace: string | undefined;
        await withProducerSpan(`${t} publish`, {}, async (headers) => {
          producerTrace = activeTraceId();
          await b.publish([message(t, 't.x', {}, { headers })]);
        });
        await waitFor(() => seen.length === 1);
        expect(producerTrace).toMatch(/^[0-9a-f]{32}$/);
        expect(seen[0]).toBe(producerTrace);
      } finally {
        trace.disable();
        context.disable();
        await provider.shutdown();
      }
    });

    it('on graceful close finishes in-flight work and leaves the rest for the next consumer', async () => {
      const first = await bus();
      const t = topic();
      const s = spec(t, 'shutdown', ['g.x'], { concurrency: 2 });
      const completedBy = new Map<string, string[]>();
      const started: string[] = [];
      const slow = (who: string) => async (m: DeliveredMessage): Promise<Settlement> => {
        started.push(m.messageId);
        await sleep(150);
        completedBy.set(m.messageId, [...(completedBy.get(m.messageId) ?? []), who]);
        return complete;
      };
      await first.subscribe(s, slow('first'));
      const batch = Array.from({ length: 12 }, (_, n) => message(t, 'g.x', { n }));
      await first.publish(batch);
      await waitFor(() => started.length >= 2);
      const inFlight = [...started];
      await first.close();
      // Everything that had started was finished (and settled) before close() resolved.
      for (const id of inFlight) expect(completedBy.get(id)).toEqual(['first']);

      const second = await bus();
      await second.subscribe(s, slow('second'));
      await waitFor(() => completedBy.size === batch.length, 20_000);
      await sleep(settle);
      // Nothing lost, nothing handled twice to completion.
      expect([...completedBy.keys()].sort()).toEqual(batch.map((m) => m.messageId).sort());
      for (const [, who] of completedBy) expect(who).toHaveLength(1);
    });
  });
}

function spec(topic: string, subscription: string, types: string[], over: Partial<SubscriptionSpec> = {}): SubscriptionSpec {
  return { topic, subscription, types, maxDeliveryCount: 10, concurrency: 4, ...over };
}

function message(topic: string, type: string, body: unknown, over: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return { topic, type, messageId: randomUUID(), body, ...over };
}

function retry(delayMs: number, reason = 'PROVIDER_UNAVAILABLE', description = 'try again'): Settlement {
  return { action: 'retry', delayMs, reason, description };
}

function collector(decide: (m: DeliveredMessage) => Settlement | Promise<Settlement> = () => complete) {
  const received: DeliveredMessage[] = [];
  const at: number[] = [];
  return {
    received,
    at,
    handler: async (m: DeliveredMessage) => {
      received.push(m);
      at.push(Date.now());
      return decide(m);
    },
  };
}

async function waitForDeadLetters(b: MessageBus, t: string, sub: string, n: number) {
  let dead: Awaited<ReturnType<MessageBus['peekDeadLetters']>> = [];
  await waitFor(async () => (dead = await b.peekDeadLetters(t, sub, 10)).length >= n);
  return dead;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await sleep(20);
  }
}
