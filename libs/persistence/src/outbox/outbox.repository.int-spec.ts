import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { PrismaService } from '../prisma/prisma.service';
import { OutboxRepository } from './outbox.repository';
import type { NewOutboxRow, OutboxRow } from './outbox.types';

function row(overrides: Partial<NewOutboxRow> = {}): NewOutboxRow {
  return { id: randomUUID(), topic: 'crm.commands', type: 'customer.create', body: { name: 'Ada' }, ...overrides };
}

class RollBack extends Error {}

describe('OutboxRepository (real Postgres)', () => {
  let db: TestDatabase;
  let outbox: OutboxRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    outbox = new OutboxRepository(db.prisma);
  });
  afterAll(() => db.drop());
  beforeEach(() => db.prisma.outboxMessage.deleteMany());

  it('enqueue in a rolled-back transaction leaves nothing behind', async () => {
    await expect(
      db.prisma.transaction(async (tx) => {
        await outbox.enqueue(tx, [row(), row()]);
        throw new RollBack('business rule failed after enqueue');
      }),
    ).rejects.toBeInstanceOf(RollBack);

    expect(await outbox.pendingCount()).toBe(0);
    expect(await db.prisma.outboxMessage.count()).toBe(0);
  });

  it('relays committed rows oldest first, with body and headers intact, exactly once', async () => {
    const first = row({ sessionId: 'customer-1', headers: { correlationId: 'c-1' }, body: { n: 1, nested: { ok: true } } });
    const second = row({ body: { n: 2 } });
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [first]));
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [second]));

    const published: OutboxRow[][] = [];
    expect(await outbox.relayBatch(10, async (rows) => void published.push(rows))).toBe(2);
    expect(await outbox.relayBatch(10, async (rows) => void published.push(rows))).toBe(0);

    expect(published).toHaveLength(1);
    expect(published[0].map((r) => r.id)).toEqual([first.id, second.id]);
    expect(published[0][0]).toMatchObject({
      topic: 'crm.commands',
      type: 'customer.create',
      sessionId: 'customer-1',
      headers: { correlationId: 'c-1' },
      attempts: 0,
    });
    expect(JSON.parse(published[0][0].body)).toEqual({ n: 1, nested: { ok: true } });
    expect(await outbox.pendingCount()).toBe(0);
    // Relayed rows are deleted with the claim's commit: the table holds only what is still owed.
    expect(await db.prisma.outboxMessage.count({ where: { id: { in: [first.id, second.id] } } })).toBe(0);
  });

  it('respects the limit and leaves rows scheduled for later alone', async () => {
    await db.prisma.transaction((tx) =>
      outbox.enqueue(tx, [row(), row(), row(), row({ availableAt: new Date(Date.now() + 60_000) })]),
    );
    const sizes: number[] = [];
    expect(await outbox.relayBatch(2, async (rows) => void sizes.push(rows.length))).toBe(2);
    expect(await outbox.relayBatch(2, async (rows) => void sizes.push(rows.length))).toBe(1);
    expect(await outbox.relayBatch(2, async (rows) => void sizes.push(rows.length))).toBe(0);
    expect(sizes).toEqual([2, 1]);
    expect(await outbox.pendingCount()).toBe(1);
  });

  it('a failed publish leaves the rows pending with lastError recorded (attempts not counted: the relay decides whose failure it is), and rethrows', async () => {
    const rows = [row(), row()];
    await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));

    await expect(outbox.relayBatch(10, async () => Promise.reject(new Error('broker unreachable')))).rejects.toThrow('broker unreachable');
    await expect(outbox.relayBatch(10, async () => Promise.reject(new Error('still down')))).rejects.toThrow('still down');

    expect(await outbox.pendingCount()).toBe(2);
    const stored = await db.prisma.outboxMessage.findMany({ orderBy: { createdAt: 'asc' } });
    expect(stored.map((r) => [r.attempts, r.lastError])).toEqual([
      [0, 'Error: still down'],
      [0, 'Error: still down'],
    ]);

    const published: string[] = [];
    expect(await outbox.relayBatch(10, async (batch) => void published.push(...batch.map((r) => r.id)))).toBe(2);
    expect(published.sort()).toEqual(rows.map((r) => r.id).sort());
  });

  it('concurrent relays on two PrismaService instances never publish a row twice', async () => {
    const total = 200;
    const rows = Array.from({ length: total }, () => row());
    await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));

    const second = new PrismaService(db.url, { poolMax: 5 });
    try {
      const relays = [outbox, new OutboxRepository(second)];
      const seen = new Map<string, number>();
      const publish = async (batch: OutboxRow[]) => {
        for (const r of batch) seen.set(r.id, (seen.get(r.id) ?? 0) + 1);
        // Hold the claim a little so the relays genuinely overlap.
        await new Promise((resolve) => setTimeout(resolve, 5));
      };
      const drain = async (relay: OutboxRepository) => {
        let count = 0;
        for (let n = await relay.relayBatch(7, publish); n > 0; n = await relay.relayBatch(7, publish)) count += n;
        return count;
      };
      const counts = await Promise.all([drain(relays[0]), drain(relays[0]), drain(relays[1]), drain(relays[1])]);

      expect(counts.reduce((a, b) => a + b, 0)).toBe(total);
      expect(seen.size).toBe(total);
      expect([...seen.values()].every((times) => times === 1)).toBe(true);
      // Both instances did part of the work (otherwise this test would not prove anything about concurrency).
      expect(counts[0] + counts[1]).toBeGreaterThan(0);
      expect(counts[2] + counts[3]).toBeGreaterThan(0);
      expect(await outbox.pendingCount()).toBe(0);
    } finally {
      await second.$disconnect();
    }
  });

  describe('relayCommitted (rows the caller holds)', () => {
    const held = (r: NewOutboxRow) => ({ id: r.id, topic: r.topic, type: r.type, body: JSON.stringify(r.body), headers: {} });

    it('deletes and publishes the held rows still in the outbox, and only those', async () => {
      const rows = [row({ body: { n: 1 } }), row({ body: { n: 2 } })];
      await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));
      const gone = row();

      const published: string[][] = [];
      expect(await outbox.relayCommitted([...rows, gone].map(held), async (batch) => void published.push(batch.map((r) => r.body)))).toBe(2);

      expect(published).toEqual([['{"n":1}', '{"n":2}']]);
      expect(await outbox.pendingCount()).toBe(0);
      expect(await outbox.relayCommitted(rows.map(held), async () => Promise.reject(new Error('not called')))).toBe(0);
    });

    it('waits for a claim holding the same rows, then publishes none of them: each row is published once', async () => {
      const rows = [row(), row(), row()];
      await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));
      let release!: () => void;
      const gate = new Promise<void>((resolve) => (release = resolve));
      const claimed: string[] = [];
      const claim = outbox.relayBatch(10, async (batch) => {
        claimed.push(...batch.map((r) => r.id));
        await gate;
      });
      await new Promise((resolve) => setTimeout(resolve, 50)); // the claim holds the rows, awaiting its publish

      const committed: string[] = [];
      const second = outbox.relayCommitted(rows.map(held), async (batch) => void committed.push(...batch.map((r) => r.id)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(committed).toEqual([]); // still waiting for the claim's row locks
      release();

      expect(await claim).toBe(3);
      expect(await second).toBe(0);
      expect(claimed.sort()).toEqual(rows.map((r) => r.id).sort());
      expect(committed).toEqual([]);
    });

    it('a failed publish leaves the rows pending with the failure recorded (not counted), and rethrows', async () => {
      const rows = [row(), row()];
      await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));

      await expect(outbox.relayCommitted(rows.map(held), async () => Promise.reject(new Error('broker unreachable')))).rejects.toThrow('broker unreachable');

      const stored = await db.prisma.outboxMessage.findMany();
      expect(stored.map((r) => [r.attempts, r.lastError])).toEqual([
        [0, 'Error: broker unreachable'],
        [0, 'Error: broker unreachable'],
      ]);
    });

    it('a claim leaves alone the rows it is told are held', async () => {
      const rows = [row(), row(), row()];
      await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));

      const claimed: string[] = [];
      expect(await outbox.relayBatch(10, async (batch) => void claimed.push(...batch.map((r) => r.id)), { skip: [rows[0]!.id, rows[2]!.id] })).toBe(1);
      expect(claimed).toEqual([rows[1]!.id]);
      expect(await outbox.pendingCount()).toBe(2);
    });
  });
});
