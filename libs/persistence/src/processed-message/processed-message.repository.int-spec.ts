import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ProcessedMessageRepository } from './processed-message.repository';

class RollBack extends Error {}

describe('ProcessedMessageRepository (real Postgres)', () => {
  let db: TestDatabase;
  const guard = new ProcessedMessageRepository();

  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('is true the first time and false for the same consumer and message afterwards', async () => {
    const messageId = randomUUID();
    expect(await db.prisma.transaction((tx) => guard.tryRecord(tx, 'crm-worker', messageId))).toBe(true);
    expect(await db.prisma.transaction((tx) => guard.tryRecord(tx, 'crm-worker', messageId))).toBe(false);
  });

  it('tracks each consumer separately', async () => {
    const messageId = randomUUID();
    expect(await db.prisma.transaction((tx) => guard.tryRecord(tx, 'crm-worker', messageId))).toBe(true);
    expect(await db.prisma.transaction((tx) => guard.tryRecord(tx, 'metrics-aggregator', messageId))).toBe(true);
  });

  it('a mark made inside a rolled-back transaction does not count', async () => {
    const messageId = randomUUID();
    await expect(
      db.prisma.transaction(async (tx) => {
        expect(await guard.tryRecord(tx, 'crm-worker', messageId)).toBe(true);
        throw new RollBack('handler failed');
      }),
    ).rejects.toBeInstanceOf(RollBack);

    expect(await db.prisma.processedMessage.count({ where: { messageId } })).toBe(0);
    expect(await db.prisma.transaction((tx) => guard.tryRecord(tx, 'crm-worker', messageId))).toBe(true);
  });

  it('lets exactly one of several concurrent duplicates through', async () => {
    const messageId = randomUUID();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => db.prisma.transaction((tx) => guard.tryRecord(tx, 'crm-worker', messageId))),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});
