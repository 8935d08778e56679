import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { InboxRepository, type InboxEntry } from './inbox.repository';

function entry(eventId: string, overrides: Partial<InboxEntry> = {}): InboxEntry {
  const id = randomUUID();
  return { id, endpointId: 'ep-1', provider: 'stripe', eventId, eventType: 'charge.succeeded', topic: 'webhooks.received', type: 'webhooks.received', bodyJson: JSON.stringify({ id, payload: { n: eventId } }), headers: { 'x-correlation-id': id }, ...overrides };
}

describe('InboxRepository (real Postgres)', () => {
  let db: TestDatabase;
  let inbox: InboxRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    inbox = new InboxRepository(db.prisma);
  });
  afterAll(() => db.drop());

  it('inserts inbox and outbox rows of a batch together, and skips events already received', async () => {
    const first = [entry('evt_1'), entry('evt_2')];
    expect(await inbox.accept(first)).toEqual(new Set(first.map((e) => e.id)));

    const again = [entry('evt_2'), entry('evt_3'), entry('evt_1', { endpointId: 'ep-2' })];
    const accepted = await inbox.accept(again);
    expect(accepted).toEqual(new Set([again[1]!.id, again[2]!.id]));

    expect(await db.prisma.inboxMessage.count()).toBe(4);
    const outbox = await db.prisma.outboxMessage.findMany({ orderBy: { createdAt: 'asc' } });
    expect(outbox.map((o) => o.id).sort()).toEqual([...first.map((e) => e.id), again[1]!.id, again[2]!.id].sort());
    expect(outbox.find((o) => o.id === first[0]!.id)).toMatchObject({ topic: 'webhooks.received', body: first[0]!.bodyJson, headers: first[0]!.headers });
  });

  it('fails the whole statement on a row Postgres refuses, and says it was the data', async () => {
    const bad = entry('evt_nul', { eventType: 'a\u0000b' });
    const error = await inbox.accept([entry('evt_ok'), bad]).catch((e: unknown) => e);
    expect(InboxRepository.isDataError(error)).toBe(true);
    expect(await db.prisma.inboxMessage.count({ where: { eventId: { in: ['evt_ok', 'evt_nul'] } } })).toBe(0);
  });

  it('stores the body text as given: digits beyond a double, an escaped NUL and a lone surrogate included', async () => {
    const text = '{"amount": 12345678901234567890, "name": "caf\\u00e9 a\\u0000b \\ud800"}';
    const big = entry('evt_big', { bodyJson: text });
    expect(await inbox.accept([big])).toEqual(new Set([big.id]));
    const [row] = await db.prisma.$queryRaw<{ body: string }[]>`SELECT body::text AS body FROM outbox_message WHERE id = ${big.id}::uuid`;
    expect(row!.body).toBe(text);
  });

  it('does not call a lost connection a data error', () => {
    expect(InboxRepository.isDataError(new Error('Connection terminated unexpectedly'))).toBe(false);
  });
});
