import { Logger } from '@nestjs/common';
import { parse } from 'csv-parse/sync';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { CsvImportJob } from '../csv-import/csv-import.job';
import { jobsKit, outboxOfRun } from '../testing/jobs-test.kit';
import { startProviderSandboxes } from '../testing/provider-sandboxes';
import { CsvExportJob, EXPORT_COLUMNS } from './csv-export.job';

const TENANT = 'acme';
const N = 23;

describe('csv.export (Postgres, ERPNext sandbox)', () => {
  let db: TestDatabase;
  let providers: Awaited<ReturnType<typeof startProviderSandboxes>>;
  beforeAll(async () => {
    Logger.overrideLogger(false);
    db = await createTestDatabase();
    providers = await startProviderSandboxes(db.prisma);
    for (let i = 1; i <= N; i++) {
      await providers.erp.createCustomer({ customer_name: `Export, "Co" ${i}`, customer_type: i % 3 ? 'Company' : 'Individual', email_id: `buyer${i}@export.test`, tax_id: i % 2 ? `TAX-${i}` : undefined });
    }
  });
  afterAll(async () => {
    await providers?.stop();
    await db?.drop();
  });

  it('pages through every customer into a CSV file that csv.import reads back row for row', async () => {
    const kit = jobsKit(db.prisma); // pageSize 7
    const job = new CsvExportJob(providers.erpnextReader, kit.files, kit.options);
    const all = await providers.erp.listAllDocs<{ customer_name: string; email_id: string | null }>('Customer', { fields: ['customer_name', 'email_id'] });
    expect(all.length).toBeGreaterThanOrEqual(N);
    providers.erpSandbox.requests.length = 0;

    const context = await kit.context(job, TENANT, { fileName: 'customers.csv' });
    const result = await job.run(context);
    expect(result).toMatchObject({ rows: all.length, fileName: 'customers.csv' });

    // ceil(rows / 7) full pages, then the short (possibly empty) one that ends the listing.
    const lists = providers.erpSandbox.requests.filter((r) => r.method === 'GET' && r.path.includes('/api/resource/Customer'));
    expect(lists).toHaveLength(Math.floor(all.length / 7) + 1);

    const file = await kit.files.findInTenant(TENANT, String(result.fileId));
    expect(file).not.toBeNull();
    const rows = parse(Buffer.from(file!.bytes), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual(EXPORT_COLUMNS);
    expect(rows.map((r) => r.customer_name)).toEqual(all.map((c) => c.customer_name));
    expect(rows.map((r) => r.email || null)).toEqual(all.map((c) => c.email_id ?? null));
    expect(await kit.files.findInTenant('other-tenant', String(result.fileId))).toBeNull();
    expect(await kit.runs.find(context.runId)).toMatchObject({ succeeded: all.length });

    // Round trip: the export is a valid import, every row a command with the same fields.
    const importJob = new CsvImportJob(kit.files, kit.publishing);
    const importContext = await kit.context(importJob, TENANT, { fileId: String(result.fileId), target: 'erp.customer', ratePerSecond: 1_000 });
    expect(await importJob.run(importContext)).toMatchObject({ rows: all.length, commands: all.length, rejected: 0 });
    const commands = await outboxOfRun(db.prisma, importContext.runId);
    const ours = commands.filter((c) => String(c.payload.customerName).startsWith('Export, "Co"'));
    expect(ours).toHaveLength(N);
    expect(ours[0]!.payload).toMatchObject({ customerName: 'Export, "Co" 1', customerType: 'Company', email: 'buyer1@export.test', taxId: 'TAX-1' });
  });

  it('restarted after a crash, starts over and counts each row once; the file is replaced, not added', async () => {
    const kit = jobsKit(db.prisma);
    const job = new CsvExportJob(providers.erpnextReader, kit.files, kit.options);
    const context = await kit.context(job, TENANT, {});
    // Attempt 1 dies at its third checkpoint (after two pages were counted).
    let n = 0;
    const dying = { ...context, progress: { setTotal: () => Promise.resolve(), checkpoint: async (...args: Parameters<typeof context.progress.checkpoint>) => {
      if (++n === 3) throw new Error('killed');
      await context.progress.checkpoint(...args);
    } } };
    await expect(job.run(dying)).rejects.toThrow('killed');
    const resumed = await kit.context(job, TENANT, {}, { runId: context.runId });
    expect(resumed.cursor).toEqual({ rows: 14 });
    const first = await job.run(resumed);
    const again = await job.run(await kit.context(job, TENANT, {}, { runId: context.runId }));
    expect(again.fileId).toBe(first.fileId);
    const run = await kit.runs.find(context.runId);
    expect(run?.succeeded).toBe(first.rows);
    expect(await db.prisma.batchFile.count({ where: { id: String(first.fileId) } })).toBe(1);
  });
});
