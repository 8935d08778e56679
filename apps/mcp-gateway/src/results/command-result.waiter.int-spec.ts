import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { CommandResultRepository } from './command-result.repository';
import { CommandResultWaiter } from './command-result.waiter';

/** The waiter across "replicas": answers recorded through another connection, with LISTEN up and after it drops. */
describe('CommandResultWaiter (real Postgres, LISTEN/NOTIFY, polling fallback)', () => {
  let db: TestDatabase;
  let results: CommandResultRepository;
  let waiter: CommandResultWaiter;
  const answer = (commandId: string, tenantId = 't1') =>
    results.record({ commandId, tenantId, commandType: 'erp.customer.create', eventType: 'erp.customer.created', outcome: 'succeeded', payload: { commandId } });

  beforeAll(async () => {
    db = await createTestDatabase();
    results = new CommandResultRepository(db.prisma);
    waiter = new CommandResultWaiter(results, db.url);
    await waiter.onModuleInit();
  });
  afterAll(async () => {
    await waiter.onApplicationShutdown();
    await db.drop();
  });

  it('records an answer once and wakes the waiter by notification', async () => {
    const id = randomUUID();
    const waiting = waiter.wait(id, 't1', 5_000);
    expect(await answer(id)).toBe(true);
    expect(await answer(id)).toBe(false);
    const started = Date.now();
    expect(await waiting).toMatchObject({ commandId: id, outcome: 'succeeded' });
    expect(Date.now() - started).toBeLessThan(400);
    expect(waiter.isListening()).toBe(true);
  });

  it("never hands another tenant's answer, and times out with null", async () => {
    const id = randomUUID();
    const waiting = waiter.wait(id, 't1', 300);
    await answer(id, 't2');
    expect(await waiting).toBeNull();
  });

  it('falls back to polling when the LISTEN connection is killed, and listens again afterwards', async () => {
    await db.prisma.$executeRawUnsafe(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()`);
    await new Promise((r) => setTimeout(r, 100));
    const id = randomUUID();
    const waiting = waiter.wait(id, 't1', 5_000);
    await answer(id);
    expect(await waiting).toMatchObject({ commandId: id });
    for (let i = 0; i < 50 && !waiter.isListening(); i++) await new Promise((r) => setTimeout(r, 100));
    expect(waiter.isListening()).toBe(true);
  });
});
