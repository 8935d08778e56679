import type { RunningApp } from '@junction/platform';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { startRunningScheduler } from '../testing/running-scheduler.fixture';
import { BATCH_COMMANDS_LEDGER } from '../jobs/shared/batch-commands.repository';
import { batchCommandId } from '../jobs/shared/command-id';
import { BatchRunRepository } from '../runs/batch-run.repository';

const TENANT = 'tenant-files';
const CSV = 'email,first_name,company\nada@files.test,Ada,Analytical\nnot-an-email,Bob,\ngrace@files.test,Grace,Navy\n';

/** The batch files API on the real app (startApp, memory bus, real Postgres), and a csv.import run by its leader. */
describe('batch files API and csv.import on the running app (real Postgres)', () => {
  let db: TestDatabase;
  let app: RunningApp;
  let key: string;
  let otherKey: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    ({ app, key, otherKey } = await startRunningScheduler(db, TENANT, { BATCH_FILE_MAX_BYTES: '2048' }));
  }, 60_000);
  afterAll(async () => {
    await app?.stop();
    await db?.drop();
  }, 30_000);

  const send = (method: string, path: string, body?: string, headers: Record<string, string> = {}, auth: string | null = key) =>
    fetch(`${app.url}${path}`, { method, headers: { ...(auth ? { authorization: `Bearer ${auth}` } : {}), ...headers }, body });

  it('uploads a CSV (201 id, size, sha256, rows), downloads it byte for byte, and hides it from other tenants', async () => {
    const res = await send('POST', '/batch-files?name=leads.csv', CSV, { 'content-type': 'text/csv' });
    expect(res.status).toBe(201);
    const file = (await res.json()) as { id: string; name: string; size: number; sha256: string; rows: number };
    expect(file).toMatchObject({ name: 'leads.csv', size: Buffer.byteLength(CSV), rows: 3 });
    expect(file.sha256).toMatch(/^[0-9a-f]{64}$/);

    const download = await send('GET', `/batch-files/${file.id}`);
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(download.headers.get('content-disposition')).toBe('attachment; filename="leads.csv"');
    expect(await download.text()).toBe(CSV);

    const other = await send('GET', `/batch-files/${file.id}`, undefined, {}, otherKey);
    expect(other.status).toBe(404);
    expect(await other.json()).toMatchObject({ code: 'FILE_NOT_FOUND' });
    expect((await send('GET', `/batch-files/${file.id}`, undefined, {}, null)).status).toBe(401);
  });

  it('refuses what is not a CSV it can take, with stable codes', async () => {
    const cases: Array<[string | undefined, Record<string, string>, number, string]> = [
      ['{"a":1}', { 'content-type': 'application/json' }, 415, 'UNSUPPORTED_MEDIA_TYPE'],
      ['x'.repeat(4_096), { 'content-type': 'text/csv' }, 413, 'PAYLOAD_TOO_LARGE'],
      ['email\n"unclosed\n', { 'content-type': 'text/csv' }, 400, 'CSV_MALFORMED'],
    ];
    for (const [body, headers, status, code] of cases) {
      const res = await send('POST', '/batch-files', body, headers);
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([status, code]);
    }
    const badName = await send('POST', '/batch-files?name=../../etc', CSV, { 'content-type': 'text/csv' });
    expect(badName.status).toBe(400);
  });

  it('a queued csv.import run is picked up by the leader: good rows become crm.lead.create, the bad one a row error', async () => {
    const res = await send('POST', '/batch-files?name=leads.csv', CSV, { 'content-type': 'text/csv' });
    const { id: fileId } = (await res.json()) as { id: string };
    const runs = new BatchRunRepository(db.prisma);
    const run = await runs.create({ tenantId: TENANT, job: 'csv.import', params: { fileId, target: 'crm.lead', ratePerSecond: 50 } });
    await waitUntil(async () => ['succeeded', 'failed'].includes((await runs.find(run.id))?.status ?? ''), 20_000);
    const done = await runs.find(run.id);
    expect(done).toMatchObject({ status: 'succeeded', total: 3, succeeded: 2, failed: 1, result: { commands: 2, rejected: 1 } });
    expect((await runs.rowErrors(run.id, 0, 10)).map((e) => [e.row, e.code])).toEqual([[2, 'ROW_INVALID']]);
    // The relay published them (the outbox is empty again); the batch ledger holds exactly the two ids.
    const ledger = await db.prisma.processedMessage.findMany({ where: { consumer: BATCH_COMMANDS_LEDGER } });
    expect(ledger.map((m) => m.messageId).sort()).toEqual([batchCommandId(run.id, 1), batchCommandId(run.id, 3)].sort());
  });
});
