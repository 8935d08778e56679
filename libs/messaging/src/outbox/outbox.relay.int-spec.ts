import { randomUUID } from 'node:crypto';
import { OutboxRepository } from '@junction/persistence';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import type { OutgoingMessage } from '../bus/message-bus.port';
import { MemoryTransport } from '../transports/memory/memory.transport';
import { OutboxRelay } from './outbox.relay';

/** The relay's linger in these tests: a wake-up while idle publishes before it would have ended. */
const LINGER_MS = 1_000;

const row = (n: number) => ({ id: randomUUID(), topic: 'crm.commands', type: 'customer.create', body: { n } });

describe('OutboxRelay (real Postgres)', () => {
  let db: TestDatabase;
  let outbox: OutboxRepository;
  let relay: OutboxRelay;
  const published: { at: number; messages: OutgoingMessage[] }[] = [];

  beforeAll(async () => {
    db = await createTestDatabase();
    outbox = new OutboxRepository(db.prisma);
    const bus = new MemoryTransport();
    const publish = bus.publish.bind(bus);
    bus.publish = async (messages) => {
      published.push({ at: performance.now(), messages: [...messages] });
      await publish(messages);
    };
    // A long poll, so that only wake-ups and the linger decide when it relays. "At once" below means before the linger
    // would have ended; a long linger keeps that distinction clear of a busy machine's scheduling delays.
    relay = new OutboxRelay(outbox, bus, { bus, consumer: 'test', relayPollMs: 60_000, relayLingerMs: LINGER_MS });
    relay.onApplicationBootstrap();
  });
  afterAll(async () => {
    await relay.beforeApplicationShutdown();
    await db.drop();
  });

  const commit = async (n: number) => {
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [row(n)]));
    relay.wake();
  };

  it('publishes a wake-up at once when idle, and gathers the commits of its linger into one claim under load', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50)); // the start-up drain found nothing
    published.length = 0;
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [row(0)]));
    const t0 = performance.now();
    relay.wake();
    await waitUntil(() => published.length === 1);
    expect(published[0]!.at - t0).toBeLessThan(LINGER_MS);

    for (let n = 1; n <= 5; n++) await commit(n);
    await waitUntil(() => published.flatMap((p) => p.messages).length === 6);
    expect(published.map((p) => p.messages.map((m) => JSON.parse((m.body as { text: string }).text).n))).toEqual([[0], [1, 2, 3, 4, 5]]);
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('publishes rows handed over by `committed` as held, at once when idle, with no claim needed', async () => {
    await new Promise((resolve) => setTimeout(resolve, LINGER_MS + 50)); // past the previous test's linger
    published.length = 0;
    const rows = [row(10), row(11)];
    await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));
    const t0 = performance.now();
    relay.committed(rows.map((r) => ({ id: r.id, topic: r.topic, type: r.type, body: JSON.stringify(r.body), headers: { 'x-held': 'yes' } })));

    await waitUntil(() => published.length === 1);
    expect(published[0]!.at - t0).toBeLessThan(LINGER_MS);
    // The headers show the messages were built from the held rows (the stored rows have none), not read back.
    expect(published[0]!.messages.map((m) => [m.messageId, m.headers?.['x-held'], (m.body as { text: string }).text])).toEqual([
      [rows[0]!.id, 'yes', '{"n":10}'],
      [rows[1]!.id, 'yes', '{"n":11}'],
    ]);
    expect(await outbox.pendingCount()).toBe(0);
  });
});

describe('OutboxRelay when the broker fails (real Postgres)', () => {
  it('leaves held rows in the outbox, and the claims after the backoff publish each of them once', async () => {
    const db = await createTestDatabase();
    const outbox = new OutboxRepository(db.prisma);
    const bus = new MemoryTransport();
    const publish = bus.publish.bind(bus);
    const delivered: string[] = [];
    let down = true;
    bus.publish = async (messages) => {
      if (down) throw new Error('broker unreachable');
      delivered.push(...messages.map((m) => m.messageId));
      await publish(messages);
    };
    const relay = new OutboxRelay(outbox, bus, { bus, consumer: 'test', relayPollMs: 20, relayLingerMs: 0 });
    relay.onApplicationBootstrap();
    try {
      const rows = [row(1), row(2), row(3)];
      await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));
      relay.committed(rows.map((r) => ({ id: r.id, topic: r.topic, type: r.type, body: JSON.stringify(r.body), headers: {} })));
      await waitUntil(() => relay.health().failures >= 2);
      expect(await outbox.pendingCount()).toBe(3);

      down = false;
      await waitUntil(() => delivered.length === 3, 5_000);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(delivered.sort()).toEqual(rows.map((r) => r.id).sort());
      expect(await outbox.pendingCount()).toBe(0);
      expect(relay.health().failures).toBe(0);
    } finally {
      await relay.beforeApplicationShutdown();
      await db.drop();
    }
  });

  it('keeps backing off while the broker fails: wake-ups and new commits do not cut the wait short', async () => {
    const db = await createTestDatabase();
    const outbox = new OutboxRepository(db.prisma);
    const bus = new MemoryTransport();
    let attempts = 0;
    bus.publish = async () => {
      attempts++;
      throw new Error('broker unreachable');
    };
    // Backoff after the first failure: 1 s × 2 = 2 s, far longer than the wake-ups below take.
    const relay = new OutboxRelay(outbox, bus, { bus, consumer: 'test', relayPollMs: 1_000, relayLingerMs: 0 });
    relay.onApplicationBootstrap();
    try {
      await db.prisma.transaction((tx) => outbox.enqueue(tx, [row(1)]));
      relay.wake();
      await waitUntil(() => attempts === 1);
      for (let i = 0; i < 10; i++) {
        const more = row(100 + i);
        await db.prisma.transaction((tx) => outbox.enqueue(tx, [more]));
        relay.committed([{ id: more.id, topic: more.topic, type: more.type, body: JSON.stringify(more.body), headers: {} }]);
        relay.wake();
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      expect(attempts).toBe(1);
      expect(await outbox.pendingCount()).toBe(11);
    } finally {
      await relay.beforeApplicationShutdown();
      await db.drop();
    }
  });
});
