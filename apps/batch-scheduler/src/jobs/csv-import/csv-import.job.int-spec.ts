import { Logger } from '@nestjs/common';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import type { BatchProgress } from '../batch-job';
import { BatchJobError } from '../shared/batch-job.error';
import { jobsKit, outboxOfRun } from '../testing/jobs-test.kit';
import { CsvImportJob } from './csv-import.job';

const TENANT = 'acme';
/** 23 data rows: 20 good customers and 3 bad ones (rows 4, 11, 19). */
function customersCsv(): string {
  const lines = ['customer_name,customer_type,email'];
  for (let row = 1; row <= 23; row++) {
    if (row === 4) lines.push(',Company,nameless@acme.test');
    else if (row === 11) lines.push('Bad Type Ltd,Partner,bad@acme.test');
    else if (row === 19) lines.push('Bad Mail Ltd,Company,not-an-email');
    else lines.push(`Customer ${row},${row % 2 ? 'Company' : 'Individual'},c${row}@acme.test`);
  }
  return lines.join('\n') + '\n';
}
const GOOD = 20;

describe('csv.import (Postgres)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db?.drop();
  });

  async function upload(kit: ReturnType<typeof jobsKit>, text: string) {
    return kit.files.save({ tenantId: TENANT, name: 'customers.csv', bytes: new TextEncoder().encode(text) });
  }

  it('publishes exactly the good rows as erp.customer.create and reports the bad rows', async () => {
    const kit = jobsKit(db.prisma);
    const job = new CsvImportJob(kit.files, kit.publishing);
    const file = await upload(kit, customersCsv());
    const context = await kit.context(job, TENANT, { fileId: file.id, target: 'erp.customer', ratePerSecond: 1_000 });
    const result = await job.run(context);

    expect(result).toMatchObject({ rows: 23, commands: GOOD, rejected: 3, interrupted: false });
    const outbox = await outboxOfRun(db.prisma, context.runId);
    expect(outbox).toHaveLength(GOOD);
    expect(outbox.every((m) => m.type === 'erp.customer.create')).toBe(true);
    expect(outbox.map((m) => m.payload.customerName)).not.toContain('Bad Type Ltd');
    const run = await kit.runs.find(context.runId);
    expect(run).toMatchObject({ total: 23, succeeded: GOOD, failed: 3, processed: 23 });
    const errors = await kit.runs.rowErrors(context.runId, 0, 10);
    expect(errors.map((e) => [e.row, e.code, e.key])).toEqual([
      [4, 'ROW_INVALID', null],
      [11, 'ROW_INVALID', 'Bad Type Ltd'],
      [19, 'ROW_INVALID', 'Bad Mail Ltd'],
    ]);
    expect(errors[0]!.message).toContain('customer_name');
    expect(errors[2]!.message).toMatch(/email: /);
  });

  it('resumes after an abort and after a crash between outbox and checkpoint: no row published twice, same totals', async () => {
    const kit = jobsKit(db.prisma);
    const job = new CsvImportJob(kit.files, kit.publishing);
    const file = await upload(kit, customersCsv());
    const params = { fileId: file.id, target: 'erp.customer' as const, ratePerSecond: 1_000 };

    // Attempt 1: aborted (shutdown) right after its second checkpoint (row 10).
    const abort = new AbortController();
    let checkpoints = 0;
    const abortAfterTwo = (inner: BatchProgress): BatchProgress => ({
      setTotal: (n) => inner.setTotal(n),
      checkpoint: async (...args) => {
        await inner.checkpoint(...args);
        if (++checkpoints === 2) abort.abort(new Error('SIGTERM'));
      },
    });
    const first = await kit.context(job, TENANT, params, { signal: abort.signal, progress: abortAfterTwo });
    expect(await job.run(first)).toMatchObject({ interrupted: true, rows: 10 });

    // The relay has published (and deleted) what was in the outbox: the ledger, not the outbox row, must stop repeats.
    const relayed = await outboxOfRun(db.prisma, first.runId);
    await db.prisma.outboxMessage.deleteMany({ where: { id: { in: relayed.map((m) => m.id) } } });

    // Attempt 2: resumed from the stored cursor; it "crashes" at its second checkpoint, after that chunk's outbox write.
    let attempt2 = 0;
    const crashAtSecond = (inner: BatchProgress): BatchProgress => ({
      setTotal: (n) => inner.setTotal(n),
      checkpoint: async (...args) => {
        if (++attempt2 === 2) throw new Error('process killed');
        await inner.checkpoint(...args);
      },
    });
    const second = await kit.context(job, TENANT, params, { runId: first.runId, progress: crashAtSecond });
    expect(second.cursor).toMatchObject({ row: 10 });
    await expect(job.run(second)).rejects.toThrow('process killed');

    // Attempt 3: resumed again, runs to the end.
    const third = await kit.context(job, TENANT, params, { runId: first.runId });
    expect(third.cursor).toMatchObject({ row: 15 });
    expect(await job.run(third)).toMatchObject({ rows: 23, commands: GOOD, rejected: 3, interrupted: false });

    const ids = [...relayed, ...(await outboxOfRun(db.prisma, first.runId))].map((m) => m.id);
    expect(ids).toHaveLength(GOOD);
    expect(new Set(ids).size).toBe(GOOD);
    expect(await kit.runs.find(first.runId)).toMatchObject({ succeeded: GOOD, failed: 3, processed: 23 });
    expect(await kit.runs.countRowErrors(first.runId)).toBe(3);
  });

  it('paces its commands on the shared limiter: 20 commands at 10/s take at least 1.9 s of the limiter’s time', async () => {
    const kit = jobsKit(db.prisma, { checkpointEvery: 100 });
    const job = new CsvImportJob(kit.files, kit.publishing);
    const file = await upload(kit, customersCsv());
    const context = await kit.context(job, 'pacing-tenant', { fileId: file.id, target: 'erp.customer', ratePerSecond: 10 });
    await expect(job.run(context)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });

    const own = await kit.files.save({ tenantId: 'pacing-tenant', name: 'c.csv', bytes: new TextEncoder().encode(customersCsv()) });
    const paced = await kit.context(job, 'pacing-tenant', { fileId: own.id, target: 'erp.customer', ratePerSecond: 10 });
    await job.run(paced);
    const grants = kit.limiter.granted.filter((g) => g.rule === 'batch-pace');
    expect(grants).toHaveLength(GOOD);
    expect(grants.every((g) => g.key.provider === 'erpnext' && g.key.connection === 'default')).toBe(true);
    const span = grants.at(-1)!.at - grants[0]!.at;
    expect(span).toBeGreaterThanOrEqual(1_900);
    expect(span).toBeLessThan(2_500);
    // Waiting commits what is held: every command was committed before the next pace wait.
    expect((await kit.runs.find(paced.runId))?.succeeded).toBe(GOOD);
  });

  it('fails the run on a header without the required column', async () => {
    const kit = jobsKit(db.prisma);
    const job = new CsvImportJob(kit.files, kit.publishing);
    const file = await upload(kit, 'first_name,email\nAnn,ann@x.test\n');
    const context = await kit.context(job, TENANT, { fileId: file.id, target: 'erp.customer' });
    const error = await job.run(context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BatchJobError);
    expect(error).toMatchObject({ code: 'CSV_UNKNOWN_COLUMN' });
    expect(await outboxOfRun(db.prisma, context.runId)).toHaveLength(0);
  });
});
