import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, waitUntil, type TestDatabase } from '@junction/testing';
import { BatchFileRepository } from '../../../batch-scheduler/src/files/batch-file.repository';
import { runCli } from '../cli';

const TENANT = 'cli-batch';

/** `junction batch …` with the real runtime against a real, migrated Postgres (a leader elsewhere is played by the test). */
describe('junction batch (real Postgres)', () => {
  let db: TestDatabase;
  let dir: string;

  const junction = async (...argv: string[]) => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(argv, { env: { DATABASE_URL: db.url, TENANT_ID: TENANT }, io: { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '' } });
    return { code, stdout, stderr };
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    dir = await mkdtemp(join(tmpdir(), 'junction-batch-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await db.drop();
  });

  it('import uploads the CSV and queues a csv.import run, printing its id; refuses a bad target or a broken file', async () => {
    const csv = 'email,first_name\nada@cli.test,Ada\nbob@cli.test,Bob\n';
    await writeFile(join(dir, 'leads.csv'), csv);
    const done = await junction('batch', 'import', join(dir, 'leads.csv'), '--target', 'crm.lead', '--rate', '5');
    expect(done.code).toBe(0);
    const runId = done.stdout.trim();
    expect(done.stderr).toContain('2 rows');
    const run = await db.prisma.batchRun.findUnique({ where: { id: runId } });
    expect(run).toMatchObject({ tenantId: TENANT, job: 'csv.import', status: 'queued', params: { target: 'crm.lead', ratePerSecond: 5 } });
    const file = await db.prisma.batchFile.findUnique({ where: { id: (run!.params as { fileId: string }).fileId } });
    expect(file).toMatchObject({ tenantId: TENANT, name: 'leads.csv', size: csv.length });
    expect(Buffer.from(file!.bytes).toString()).toBe(csv);

    expect((await junction('batch', 'import', join(dir, 'leads.csv'), '--target', 'erp.lead')).code).toBe(64);
    await writeFile(join(dir, 'broken.csv'), 'email\n"unclosed\n');
    const broken = await junction('batch', 'import', join(dir, 'broken.csv'), '--target', 'crm.lead');
    expect([broken.code, broken.stderr]).toEqual([1, expect.stringContaining('CSV_MALFORMED')]);
    expect(await db.prisma.batchFile.count()).toBe(1);
  });

  it('export --wait waits for the run and writes its file; download writes any batch file', async () => {
    const exported = 'customer_name,customer_type,customer_group,territory,email,tax_id\nAcme,Company,,,ops@acme.test,\n';
    // The leader (another process) runs the export meanwhile.
    const leader = (async () => {
      await waitUntil(async () => (await db.prisma.batchRun.count({ where: { job: 'csv.export' } })) === 1, 10_000);
      const run = await db.prisma.batchRun.findFirstOrThrow({ where: { job: 'csv.export' } });
      const file = await new BatchFileRepository(db.prisma).save({ tenantId: TENANT, name: 'customers.csv', bytes: Buffer.from(exported) });
      await db.prisma.batchRun.update({ where: { id: run.id }, data: { status: 'succeeded', processed: 1, succeeded: 1, result: { fileId: file.id, rows: 1 }, startedAt: new Date(), finishedAt: new Date() } });
      return file.id;
    })();
    const out = join(dir, 'customers.csv');
    const result = await junction('batch', 'export', '--out', out, '--wait', '--timeout', '20');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('1 customers');
    expect(result.stderr).toMatch(/succeeded/);
    expect(await readFile(out, 'utf8')).toBe(exported);
    const run = await db.prisma.batchRun.findFirstOrThrow({ where: { job: 'csv.export' } });
    expect(run.params).toEqual({ fileName: 'customers.csv' });

    const fileId = await leader;
    const copy = join(dir, 'copy.csv');
    expect((await junction('batch', 'download', fileId, '--out', copy)).code).toBe(0);
    expect(await readFile(copy, 'utf8')).toBe(exported);
    expect((await junction('batch', 'download', fileId, '--out', copy, '--tenant', 'other')).stderr).toContain('FILE_NOT_FOUND');
    expect((await junction('batch', 'export', '--wait')).code).toBe(64);
  });
});
