import { randomUUID } from 'node:crypto';
import { OutboxRepository, type NewOutboxRow } from '@junction/persistence';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import type { OutgoingMessage } from '../bus/message-bus.port';
import type { MessagingModuleOptions } from '../messaging.module';
import { MemoryTransport } from '../transports/memory/memory.transport';
import { OutboxRelay } from './outbox.relay';

/**
 * One row the broker will not take must not stop the relay (issue 11): it is moved aside into outbox_parked and the
 * rest flows in the same pass; a broker outage parks nothing. Against real Postgres; the bus is the memory transport
 * (its own size check, as every transport's) with its publish wrapped to record or to fail.
 */
const LIMIT = 4_096;
const row = (n: number, overrides: Partial<NewOutboxRow> = {}): NewOutboxRow => ({ id: randomUUID(), topic: 'crm.commands', type: 'customer.create', body: { n }, headers: { 'x-correlation-id': `c-${n}` }, ...overrides });
const oversized = (n: number) => row(n, { body: { n, blob: 'x'.repeat(LIMIT * 2) } });

interface Parked {
  id: string;
  reason: string;
  description: string;
  attempts: number;
}

describe('OutboxRelay with rows the broker refuses (real Postgres)', () => {
  let db: TestDatabase;
  let outbox: OutboxRepository;
  let relay: OutboxRelay | undefined;

  beforeEach(async () => {
    db = await createTestDatabase();
    outbox = new OutboxRepository(db.prisma);
  });
  afterEach(async () => {
    await relay?.beforeApplicationShutdown();
    relay = undefined;
    await db.drop();
  });

  /** A memory bus whose publish records what it accepted, and can be made to fail (`fail` decides per call). */
  const recordingBus = (fail: (messages: readonly OutgoingMessage[]) => Error | undefined = () => undefined) => {
    const bus = new MemoryTransport(undefined, LIMIT);
    const publish = bus.publish.bind(bus);
    const log = { calls: 0, published: [] as string[] };
    bus.publish = async (messages) => {
      log.calls++;
      const error = fail(messages);
      if (error) throw error;
      await publish(messages);
      log.published.push(...messages.map((m) => m.messageId));
    };
    return { bus, log };
  };
  const start = (bus: MemoryTransport, options: Partial<MessagingModuleOptions> = {}) => {
    relay = new OutboxRelay(outbox, bus, { bus, consumer: 'test', relayLingerMs: 0, ...options });
    relay.onApplicationBootstrap();
    return relay;
  };
  // Read with SQL, not the Prisma model: the assertion does not depend on the code under test.
  const parkedRows = async () =>
    (await db.prisma.pool.query<Parked>('SELECT "id"::text AS id, "reason", "description", "attempts" FROM "outbox_parked" ORDER BY "parkedAt", "id"')).rows;

  it('one oversized row among 1,000: 999 published in the first pass, it is parked as MESSAGE_TOO_LARGE, readiness stays up; a redrive brings it back with the same id', async () => {
    const rows = Array.from({ length: 1_000 }, (_, n) => (n === 500 ? oversized(n) : row(n)));
    const big = rows[500]!;
    await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));
    const { bus, log } = recordingBus();
    // A poll of a minute: any backoff (2 min after one failure) would outlast the wait below.
    const relayer = start(bus, { relayPollMs: 60_000 });

    await waitUntil(() => log.published.length === 999, 10_000, '999 rows published');
    expect(new Set(log.published).size).toBe(999);
    expect(log.published).not.toContain(big.id);
    // Ten batches of 100, one of which failed once on the oversized row and was claimed again without it.
    expect(log.calls).toBe(11);
    expect(relayer.health()).toEqual({ up: true, failures: 0, lastError: undefined });
    expect(await outbox.pendingCount()).toBe(0);
    const parked = await parkedRows();
    expect(parked).toEqual([{ id: big.id, reason: 'MESSAGE_TOO_LARGE', description: expect.stringContaining(`over the bus's limit of ${LIMIT} bytes`), attempts: 0 }]);

    const back = await db.prisma.pool.query<{ id: string }>(
      `WITH moved AS (DELETE FROM "outbox_parked" WHERE "id" = $1 RETURNING *)
       INSERT INTO "outbox_message" ("id", "topic", "type", "sessionId", "body", "headers", "createdAt") SELECT "id", "topic", "type", "sessionId", "body", "headers", "createdAt" FROM moved RETURNING "id"::text AS id`,
      [big.id],
    );
    expect(back.rows).toEqual([{ id: big.id }]);
    // Redriven onto a bus that takes it (the limit raised): published under the same message id.
    const roomy = new MemoryTransport(undefined, LIMIT * 4);
    const sent: string[] = [];
    const publish = roomy.publish.bind(roomy);
    roomy.publish = async (messages) => {
      await publish(messages);
      sent.push(...messages.map((m) => m.messageId));
    };
    expect(await new OutboxRelay(outbox, roomy, { bus: roomy, consumer: 'test', relay: false }).drain()).toBe(1);
    expect(sent).toEqual([big.id]);
  });

  it('parks every oversized row of a batch at its first failure, and publishes the rest held or claimed', async () => {
    const rows = [row(1), oversized(2), row(3), oversized(4), row(5), oversized(6)];
    await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));
    const { bus, log } = recordingBus();
    const relayer = start(bus, { relayPollMs: 60_000 });
    await new Promise((resolve) => setTimeout(resolve, 100)); // the start-up drain
    // Rows this process committed and still holds take the other way in (`committed`): same outcome.
    const held = [row(7), oversized(8), row(9)];
    await db.prisma.transaction((tx) => outbox.enqueue(tx, held));
    relayer.committed(held.map((r) => ({ id: r.id, topic: r.topic, type: r.type, body: JSON.stringify(r.body), headers: r.headers ?? {} })));

    await waitUntil(async () => (await parkedRows()).length === 4, 5_000, 'four rows parked');
    await waitUntil(() => log.published.length === 5, 5_000, 'five rows published');
    expect(log.published.sort()).toEqual([rows[0], rows[2], rows[4], held[0], held[2]].map((r) => r!.id).sort());
    expect((await parkedRows()).map((p) => [p.id, p.reason]).sort()).toEqual([rows[1], rows[3], rows[5], held[1]].map((r) => [r!.id, 'MESSAGE_TOO_LARGE']).sort());
    expect(relayer.health().failures).toBe(0);
    expect(await outbox.pendingCount()).toBe(0);
  });

  it('a row that keeps failing while others are published is retried later, then parked after relayMaxAttempts; the others flow meanwhile', async () => {
    const poison = row(0, { topic: 'no.such.topic' });
    const { bus, log } = recordingBus((messages) => (messages.some((m) => m.messageId === poison.id) ? new Error('topic no.such.topic not found') : undefined));
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [poison, row(1), row(2), row(3)]));
    const relayer = start(bus, { relayPollMs: 10, relayMaxAttempts: 3 });

    const ups: boolean[] = [];
    let n = 4;
    const deadline = Date.now() + 10_000;
    while ((await parkedRows()).length === 0 && Date.now() < deadline) {
      // Traffic keeps coming, as it would: each commit wakes the relay.
      const next = row(n++);
      await db.prisma.transaction((tx) => outbox.enqueue(tx, [next]));
      relayer.wake();
      ups.push(relayer.health().up);
      await new Promise((resolve) => setTimeout(resolve, 15));
    }

    expect(await parkedRows()).toEqual([{ id: poison.id, reason: 'MAX_ATTEMPTS_EXCEEDED', description: expect.stringContaining('topic no.such.topic not found'), attempts: 3 }]);
    expect(ups.every(Boolean)).toBe(true);
    await waitUntil(async () => (await outbox.pendingCount()) === 0, 5_000, 'the others published');
    expect(new Set(log.published).size).toBe(n - 1);
    expect(log.published).not.toContain(poison.id);
  });

  it('during a broker outage (every publish fails) parks nothing and counts nothing against rows; all flow once it is back', async () => {
    let down = true;
    const { bus, log } = recordingBus(() => (down ? new Error('broker unreachable') : undefined));
    const rows = Array.from({ length: 50 }, (_, n) => row(n));
    await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));
    const relayer = start(bus, { relayPollMs: 5, relayMaxAttempts: 2 });
    for (let i = 0; i < 10; i++) {
      const more = row(100 + i);
      await db.prisma.transaction((tx) => outbox.enqueue(tx, [more]));
      relayer.wake();
      await new Promise((resolve) => setTimeout(resolve, 30));
    }
    await waitUntil(() => relayer.health().failures >= 6, 10_000, 'six failed passes');
    // Well past relayMaxAttempts tries of every row, if an outage were counted against rows.
    expect(relayer.health().up).toBe(false);
    expect(await parkedRows()).toEqual([]);
    const stored = await db.prisma.pool.query<{ attempts: number }>('SELECT "attempts" FROM "outbox_message"');
    expect(stored.rows).toHaveLength(60);
    expect(stored.rows.every((r) => r.attempts === 0)).toBe(true);
    // An outage costs each failed pass one batch publish and a few single-row probes, not one publish per row.
    expect(log.calls).toBeLessThanOrEqual(4 * relayer.health().failures + 4);

    down = false;
    await waitUntil(() => log.published.length === 60, 10_000, 'all 60 published after the outage');
    // The pass that published them ends by clearing the failure count.
    await waitUntil(() => relayer.health().up, 5_000, 'readiness back up');
    expect(relayer.health().failures).toBe(0);
    expect(await parkedRows()).toEqual([]);
  });
});
