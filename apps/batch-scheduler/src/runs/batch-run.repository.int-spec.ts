import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { BatchRunLeaseLostError, BatchRunRepository } from './batch-run.repository';
import { createRunProgress } from './run-progress';

/** The run lifecycle and progress against real Postgres: claims, fenced checkpoints, row errors, cancel, release. */
describe('BatchRunRepository + RunProgress (Postgres)', () => {
  let db: TestDatabase;
  let runs: BatchRunRepository;

  beforeAll(async () => {
    db = await createTestDatabase();
    runs = new BatchRunRepository(db.prisma);
  });
  afterAll(async () => {
    await db?.drop();
  });
  beforeEach(async () => {
    await db.prisma.batchRun.deleteMany({});
  });

  it('checkpoints add counts, replace the cursor and keep the first report of a row re-reported after a resume', async () => {
    const run = await runs.create({ tenantId: 't1', job: 'csv.import', params: { fileId: 'f' } });
    expect(run.status).toBe('queued');
    const progress = createRunProgress(db.prisma, run.id);
    await progress.setTotal(10);
    await progress.checkpoint({ succeeded: 3, failed: 1 }, { row: 4 }, [{ row: 2, key: 'a@x', code: 'INVALID_EMAIL', message: 'not an email' }]);
    await progress.checkpoint({ succeeded: 2, skipped: 1 }, { row: 7 }, [
      { row: 2, code: 'OTHER', message: 'second report of row 2' },
      { row: 6, code: 'DUPLICATE', message: 'seen before' },
    ]);
    const row = await runs.find(run.id);
    expect(row).toMatchObject({ total: 10, succeeded: 5, failed: 1, skipped: 1, processed: 7, cursor: { row: 7 } });
    const errors = await runs.rowErrors(run.id, 0, 10);
    expect(errors.map((e) => [e.row, e.code])).toEqual([[2, 'INVALID_EMAIL'], [6, 'DUPLICATE']]);
    expect(await runs.countRowErrors(run.id)).toBe(2);
    await expect(progress.checkpoint({ succeeded: -1 }, null)).rejects.toThrow(RangeError);
  });

  it('claims queued runs once across two claimers, and a stale running run only after its lease', async () => {
    const a = await runs.create({ tenantId: 't1', job: 'retention', params: {} });
    const b = await runs.create({ tenantId: 't1', job: 'retention', params: {} });
    const [first, second] = await Promise.all([runs.claimDue('p1', 60_000, 5), runs.claimDue('p2', 60_000, 5)]);
    const claimed = [...first, ...second].map((r) => r.id).sort();
    expect(claimed).toEqual([a.id, b.id].sort());
    expect((await runs.find(a.id))?.status).toBe('running');
    expect(await runs.claimDue('p3', 60_000, 5)).toEqual([]); // fresh heartbeats
    await db.prisma.batchRun.update({ where: { id: a.id }, data: { heartbeatAt: new Date(Date.now() - 120_000) } });
    const resumed = await runs.claimDue('p3', 60_000, 5);
    expect(resumed.map((r) => [r.id, r.leaseOwner])).toEqual([[a.id, 'p3']]);
  });

  it('fences the old owner: its checkpoints, heartbeats and finish are refused once another process took the run', async () => {
    const run = await runs.create({ tenantId: 't1', job: 'retention', params: {} });
    await runs.claimDue('old', 60_000, 1);
    const old = createRunProgress(db.prisma, run.id, { leaseOwner: 'old' });
    await old.checkpoint({ succeeded: 1 }, { at: 1 });
    await db.prisma.batchRun.update({ where: { id: run.id }, data: { heartbeatAt: new Date(Date.now() - 120_000) } });
    await runs.claimDue('new', 60_000, 1);
    await expect(old.checkpoint({ succeeded: 1 }, { at: 2 })).rejects.toBeInstanceOf(BatchRunLeaseLostError);
    expect(await runs.heartbeat(run.id, 'old')).toBe('lost');
    expect(await runs.finish(run.id, { status: 'succeeded', result: {} }, 'old')).toBe(false);
    expect(await runs.find(run.id)).toMatchObject({ status: 'running', succeeded: 1, cursor: { at: 1 }, leaseOwner: 'new' });
  });

  it('cancel: a running run is marked cancelled, its heartbeat and checkpoint say so, and finishing keeps it cancelled', async () => {
    const run = await runs.create({ tenantId: 't1', job: 'retention', params: {} });
    await runs.claimDue('p1', 60_000, 1);
    expect(await runs.cancel('other-tenant', run.id)).toBeNull();
    expect((await runs.cancel('t1', run.id))?.status).toBe('cancelled');
    expect(await runs.heartbeat(run.id, 'p1')).toBe('cancelled');
    const onCancelled = jest.fn();
    await createRunProgress(db.prisma, run.id, { leaseOwner: 'p1', onCancelled }).checkpoint({ succeeded: 2 }, { at: 2 });
    expect(onCancelled).toHaveBeenCalledTimes(1);
    expect(await runs.finish(run.id, { status: 'succeeded', result: { n: 2 } }, 'p1')).toBe(true);
    expect(await runs.find(run.id)).toMatchObject({ status: 'cancelled', succeeded: 2, result: { n: 2 } });
    expect(await runs.claimDue('p2', 0, 5)).toEqual([]);
  });

  it('release hands a running run to the next claimer at once, with its cursor', async () => {
    const run = await runs.create({ tenantId: 't1', job: 'retention', params: {} });
    await runs.claimDue('p1', 60_000, 1);
    await runs.checkpoint(run.id, { succeeded: 4 }, { page: 2 }, [], 'p1');
    await runs.release(run.id, 'p1');
    const [taken] = await runs.claimDue('p2', 60_000, 1);
    expect(taken).toMatchObject({ id: run.id, leaseOwner: 'p2', cursor: { page: 2 }, succeeded: 4 });
  });
});
