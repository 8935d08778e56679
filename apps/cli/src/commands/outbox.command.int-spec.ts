import { randomUUID } from 'node:crypto';
import { OutboxRepository } from '@junction/persistence';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { runCli } from '../cli';

const PAYLOAD_MARK = 'payload-text-that-must-not-be-printed';

/** `junction outbox parked | redrive` with the real runtime against a real, migrated Postgres. */
describe('junction outbox (real Postgres)', () => {
  let db: TestDatabase;
  let outbox: OutboxRepository;

  const junction = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { env: { DATABASE_URL: db.url }, io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '' } });
    expect(stdout + stderr).not.toContain(PAYLOAD_MARK);
    return { code, stdout, stderr, json: () => JSON.parse(stdout) as { total: number; items: Array<Record<string, unknown>>; redriven: string[] } };
  };
  const outboxIds = async () => (await db.prisma.pool.query<{ id: string }>('SELECT "id"::text AS id FROM "outbox_message" ORDER BY "id"')).rows.map((r) => r.id);
  const parkedIds = async () => (await db.prisma.pool.query<{ id: string }>('SELECT "id"::text AS id FROM "outbox_parked" ORDER BY "id"')).rows.map((r) => r.id);

  beforeAll(async () => {
    db = await createTestDatabase();
    outbox = new OutboxRepository(db.prisma);
  });
  afterAll(() => db.drop());

  it('parked lists the parked rows with their reason, never the payload; redrive ID and --all move them back with the same ids', async () => {
    expect((await junction('outbox', 'parked')).stdout).toContain('No parked outbox rows');

    const [big, bad] = [randomUUID(), randomUUID()];
    await db.prisma.transaction((tx) =>
      outbox.enqueue(tx, [
        { id: big, topic: 'webhooks.received', type: 'webhooks.received', body: { blob: PAYLOAD_MARK } },
        { id: bad, topic: 'erp.commands', type: 'erp.customer.create', body: { blob: PAYLOAD_MARK } },
      ]),
    );
    await outbox.park([
      { id: big, reason: 'MESSAGE_TOO_LARGE', description: `message ${big} is 1048700 bytes, over the bus's limit of 262144 bytes` },
      { id: bad, reason: 'MAX_ATTEMPTS_EXCEEDED', description: '10 failed attempts while other rows were published' },
    ]);

    const text = await junction('outbox', 'parked');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`^${big}\\s+webhooks\\.received\\s+webhooks\\.received\\s+MESSAGE_TOO_LARGE\\s+0\\s`, 'm'));
    expect(text.stdout).toMatch(new RegExp(`^${bad}\\s+erp\\.customer\\.create\\s+erp\\.commands\\s+MAX_ATTEMPTS_EXCEEDED\\s`, 'm'));
    const listed = (await junction('outbox', 'parked', '--json')).json();
    expect(listed.total).toBe(2);
    expect(listed.items.map((i) => [i.id, i.reason]).sort()).toEqual([[big, 'MESSAGE_TOO_LARGE'], [bad, 'MAX_ATTEMPTS_EXCEEDED']].sort());
    expect((await junction('outbox', 'parked', '--limit', '1', '--json')).json()).toMatchObject({ total: 2, items: [{}] });

    const one = await junction('outbox', 'redrive', big, '--json');
    expect(one.code).toBe(0);
    expect(one.json().redriven).toEqual([big]);
    expect(await outboxIds()).toEqual([big]);
    expect(await parkedIds()).toEqual([bad]);
    const back = await db.prisma.outboxMessage.findUniqueOrThrow({ where: { id: big } });
    expect(JSON.parse(back.body)).toEqual({ blob: PAYLOAD_MARK });

    const all = await junction('outbox', 'redrive', '--all');
    expect(all).toMatchObject({ code: 0, stdout: expect.stringContaining('Redriven 1 row(s)') });
    expect(await outboxIds()).toEqual([big, bad].sort());
    expect(await parkedIds()).toEqual([]);
  });

  it('redrive refuses an id that is not parked (1, NOT_FOUND), and neither or both of an id and --all (64)', async () => {
    const missing = await junction('outbox', 'redrive', randomUUID());
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('junction: NOT_FOUND: no parked outbox row');
    for (const argv of [['outbox', 'redrive'], ['outbox', 'redrive', randomUUID(), '--all'], ['outbox', 'redrive', 'not-a-uuid']]) {
      const result = await junction(...argv);
      expect(result.code).toBe(64);
      expect(result.stderr).toMatch(/^junction: USAGE: outbox redrive: /);
    }
  });
});
