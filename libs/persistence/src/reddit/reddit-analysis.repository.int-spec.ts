import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { PrismaService } from '../prisma/prisma.service';
import { isNewerRedditId, RedditAnalysisRepository } from './reddit-analysis.repository';

describe('RedditAnalysisRepository (Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaService;
  let repo: RedditAnalysisRepository;
  const key = { tenantId: 't1', connection: 'sandbox', subreddit: 'Junction' };
  const cmd = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = new PrismaService(db.url);
    repo = new RedditAnalysisRepository(prisma);
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('compares Reddit ids by age (base 36: longer is newer)', () => {
    expect(isNewerRedditId('t3_abd', 't3_abc')).toBe(true);
    expect(isNewerRedditId('t3_1000', 't3_zzz')).toBe(true);
    expect(isNewerRedditId('t3_abc', 't3_abc')).toBe(false);
    expect(isNewerRedditId('t3_zz', 't3_100')).toBe(false);
  });

  it('creates the cursor on the first run, moves it forward, never back, and counts every run', async () => {
    expect(await repo.cursor(key)).toBeNull();
    await prisma.transaction((tx) => repo.advanceCursor(tx, key, { lastFullname: 't3_b00', lastCreatedUtc: 100, commandId: cmd(1) }));
    // An overlapping older run commits later: it must not move the cursor back.
    const movedBack = await prisma.transaction((tx) => repo.advanceCursor(tx, key, { lastFullname: 't3_a00', lastCreatedUtc: 50, commandId: cmd(2) }));
    const empty = await prisma.transaction((tx) => repo.advanceCursor(tx, key, null));
    const forward = await prisma.transaction((tx) => repo.advanceCursor(tx, key, { lastFullname: 't3_c00', lastCreatedUtc: 200, commandId: cmd(3) }));
    expect([movedBack, empty, forward]).toEqual([false, false, true]);
    expect(await repo.cursor({ ...key, subreddit: 'junction' })).toMatchObject({ subreddit: 'junction', lastFullname: 't3_c00', lastCreatedUtc: 200, lastCommandId: cmd(3), runs: 4 });
  });

  it('two runs committing at once: the row lock serialises them, both are counted, the newer wins', async () => {
    const k = { ...key, subreddit: 'racing' };
    await Promise.all([
      prisma.transaction((tx) => repo.advanceCursor(tx, k, { lastFullname: 't3_d00', lastCreatedUtc: 300, commandId: cmd(4) })),
      prisma.transaction((tx) => repo.advanceCursor(tx, k, { lastFullname: 't3_c99', lastCreatedUtc: 299, commandId: cmd(5) })),
    ]);
    expect(await repo.cursor(k)).toMatchObject({ lastFullname: 't3_d00', runs: 2 });
  });

  it('stores a result per command and finds it by id within the tenant only', async () => {
    const id = '10000000-0000-4000-8000-000000000001';
    await prisma.transaction((tx) => repo.save(tx, { id, tenantId: 't1', kind: 'sentiment', subreddit: 'Junction', commandId: cmd(9), itemCount: 2, result: { aggregate: { count: 2 } } }));
    expect(await repo.find('t1', id)).toMatchObject({ kind: 'sentiment', subreddit: 'junction', result: { aggregate: { count: 2 } } });
    expect(await repo.find('t2', id)).toBeNull();
    expect((await repo.latest('t1', 'sentiment', { subreddit: 'JUNCTION' })).map((r) => r.id)).toEqual([id]);
    await expect(prisma.transaction((tx) => repo.save(tx, { id: '10000000-0000-4000-8000-000000000002', tenantId: 't1', kind: 'sentiment', commandId: cmd(9), itemCount: 0, result: {} }))).rejects.toThrow();
  });
});
