import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { OutboxParkedRepository } from './outbox-parked.repository';
import { OutboxRepository } from './outbox.repository';
import type { NewOutboxRow, OutboxRow } from './outbox.types';

function row(overrides: Partial<NewOutboxRow> = {}): NewOutboxRow {
  return { id: randomUUID(), topic: 'crm.commands', type: 'customer.create', body: { name: 'Ada' }, ...overrides };
}

describe('OutboxRepository.park / countFailures and OutboxParkedRepository (real Postgres)', () => {
  let db: TestDatabase;
  let outbox: OutboxRepository;
  let parked: OutboxParkedRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    outbox = new OutboxRepository(db.prisma);
    parked = new OutboxParkedRepository(db.prisma);
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await db.prisma.outboxMessage.deleteMany();
    await db.prisma.outboxParked.deleteMany();
  });

  it('parks a row whole with its reason, lists it without the body, and a redrive puts it back with the same id', async () => {
    const big = row({ sessionId: 'customer-7', headers: { 'x-correlation-id': 'c-7' }, body: { n: 7, blob: 'x'.repeat(100) } });
    const other = row();
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [big]));
    await new Promise((resolve) => setTimeout(resolve, 5)); // a later createdAt (milliseconds)
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [other]));
    const before = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: big.id } });

    expect(await outbox.park([{ id: big.id, reason: 'MESSAGE_TOO_LARGE', description: 'too large' }, { id: randomUUID(), reason: 'X', description: 'gone' }])).toEqual([big.id]);

    expect(await outbox.pendingCount()).toBe(1);
    expect(await parked.count()).toBe(1);
    const [listed] = await parked.list(10);
    expect(listed).toEqual({
      id: big.id,
      topic: 'crm.commands',
      type: 'customer.create',
      sessionId: 'customer-7',
      reason: 'MESSAGE_TOO_LARGE',
      description: 'too large',
      attempts: 0,
      createdAt: before.createdAt,
      parkedAt: expect.any(Date),
    });
    expect(listed).not.toHaveProperty('body');

    expect(await parked.redrive([big.id])).toEqual([big.id]);
    expect(await parked.count()).toBe(0);
    const back = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: big.id } });
    expect(back).toMatchObject({ id: big.id, topic: before.topic, type: before.type, sessionId: 'customer-7', body: before.body, headers: before.headers, createdAt: before.createdAt, attempts: 0 });

    // Due at once, and first: its original createdAt is kept.
    const claimed: string[] = [];
    expect(await outbox.relayBatch(10, async (rows: OutboxRow[]) => void claimed.push(...rows.map((r) => r.id)))).toBe(2);
    expect(claimed).toEqual([big.id, other.id]);
  });

  it('redrives every parked row with "all", and an unknown id moves nothing', async () => {
    const rows = [row(), row(), row()];
    await db.prisma.transaction((tx) => outbox.enqueue(tx, rows));
    await outbox.park(rows.map((r) => ({ id: r.id, reason: 'INVALID_MESSAGE', description: 'cannot encode' })));
    expect(await outbox.pendingCount()).toBe(0);

    expect(await parked.redrive([randomUUID()])).toEqual([]);
    expect((await parked.redrive('all')).sort()).toEqual(rows.map((r) => r.id).sort());
    expect(await outbox.pendingCount()).toBe(3);
    expect(await parked.count()).toBe(0);
  });

  it('a message written again under a parked id is parked over the old copy, and a redrive keeps the copy in the outbox', async () => {
    const first = row({ body: { copy: 1 } });
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [first]));
    await outbox.park([{ id: first.id, reason: 'MESSAGE_TOO_LARGE', description: 'first copy' }]);
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [{ ...first, body: { copy: 2 } }]));
    expect(await outbox.park([{ id: first.id, reason: 'MESSAGE_TOO_LARGE', description: 'second copy' }])).toEqual([first.id]);
    expect((await parked.list(10)).map((p) => [p.id, p.description])).toEqual([[first.id, 'second copy']]);

    await db.prisma.transaction((tx) => outbox.enqueue(tx, [{ ...first, body: { copy: 3 } }]));
    expect(await parked.redrive([first.id])).toEqual([first.id]);
    expect(await parked.count()).toBe(0);
    expect(JSON.parse((await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: first.id } })).body)).toEqual({ copy: 3 });
  });

  it('countFailures counts against the rows and keeps them out of claims until their retry time', async () => {
    const failing = row();
    const fine = row();
    await db.prisma.transaction((tx) => outbox.enqueue(tx, [failing, fine]));

    expect(await outbox.countFailures([failing.id], new Error('no such topic'), 60_000)).toEqual([{ id: failing.id, attempts: 1 }]);
    const stored = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: failing.id } });
    expect(stored).toMatchObject({ attempts: 1, lastError: 'Error: no such topic' });
    expect(stored.availableAt.getTime()).toBeGreaterThan(Date.now() + 50_000);

    const claimed: string[] = [];
    await outbox.relayBatch(10, async (batch) => void claimed.push(...batch.map((r) => r.id)));
    expect(claimed).toEqual([fine.id]);
  });
});
