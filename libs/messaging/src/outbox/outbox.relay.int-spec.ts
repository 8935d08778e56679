import { randomUUID } from 'node:crypto';
import { OutboxRepository } from '@junction/persistence';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import type { OutgoingMessage } from '../bus/message-bus.port';
import { MemoryTransport } from '../transports/memory/memory.transport';
import { OutboxRelay } from './outbox.relay';

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
    // A long poll, so that only wake-ups and the linger decide when it relays.
    relay = new OutboxRelay(outbox, bus, { bus, consumer: 'test', relayPollMs: 60_000, relayLingerMs: 400 });
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
    const t0 = performance.now();
    await commit(0);
    await waitUntil(() => published.length === 1);
    expect(published[0]!.at - t0).toBeLessThan(300);

    for (let n = 1; n <= 5; n++) await commit(n);
    await waitUntil(() => published.flatMap((p) => p.messages).length === 6);
    expect(published.map((p) => p.messages.map((m) => JSON.parse((m.body as { text: string }).text).n))).toEqual([[0], [1, 2, 3, 4, 5]]);
    expect(await outbox.pendingCount()).toBe(0);
  });
});
