import { randomUUID } from 'node:crypto';
import { createTestDatabase, withPgClient, type TestDatabase } from '@junction/testing';
import { PrismaService } from './prisma.service';

describe('PrismaService on a server whose time zone is not UTC', () => {
  let db: TestDatabase;
  let prisma: PrismaService;

  beforeAll(async () => {
    db = await createTestDatabase();
    const name = new URL(db.url).pathname.slice(1);
    // +05:45: any offset confusion shows up as hours, not seconds.
    await withPgClient(db.url, (c) => c.query(`ALTER DATABASE ${c.escapeIdentifier(name)} SET timezone TO 'Asia/Kathmandu'`));
    prisma = new PrismaService(db.url, { poolMax: 2 });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('stores and reads back the same instant, and agrees with the server clock', async () => {
    const availableAt = new Date('2026-03-01T12:00:00.000Z');
    const id = randomUUID();
    await prisma.outboxMessage.create({ data: { id, topic: 't', type: 'x', body: '{}', availableAt } });
    const row = await prisma.outboxMessage.findUniqueOrThrow({ where: { id } });
    expect(row.availableAt.toISOString()).toBe(availableAt.toISOString());
    // Defaults computed by the server (now()) land within seconds of our clock, not hours.
    expect(Math.abs(row.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    // Raw queries too: a Date parameter means the same instant, and now() reads back as now.
    const [raw] = await prisma.$queryRaw<Array<{ same: boolean; now: Date }>>`
      SELECT ${availableAt}::timestamptz = '2026-03-01T12:00:00Z'::timestamptz AS same, now() AS now`;
    expect(raw!.same).toBe(true);
    expect(Math.abs(raw!.now.getTime() - Date.now())).toBeLessThan(60_000);
  });
});
