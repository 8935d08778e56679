import { once } from 'node:events';
import { Inject, Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import { z } from 'zod';
import { BatchFileRepository } from '../../files/batch-file.repository';
import type { BatchJob, BatchJobContext, BatchJobResult } from '../batch-job';
import { IMPORT_COLUMNS } from '../csv-import/csv-columns';
import { batchCommandId } from '../shared/command-id';
import { BATCH_JOBS_OPTIONS, type BatchJobsOptions } from '../shared/batch-publishing';
import { ErpNextReader, type ErpCustomerRow } from '../providers/provider-readers';

export const csvExportParams = z.strictObject({
  /** The file's name (default `customers-<date>.csv`). */
  fileName: z
    .string()
    .trim()
    .regex(/^[\w .-]{1,120}\.csv$/, 'a file name ending in .csv (letters, digits, space, _ . -)')
    .optional(),
});
export type CsvExportParams = z.infer<typeof csvExportParams>;

/** The export's columns: exactly csv.import's for erp.customer, so an export can be imported elsewhere unchanged. */
export const EXPORT_COLUMNS = IMPORT_COLUMNS['erp.customer'].map((c) => c.names[0]);

const cursorSchema = z.object({ rows: z.number().int().min(0) });

/**
 * `csv.export`: every ERPNext Customer, page by page (ERPNext's list with limit_start, a stable order), into a CSV
 * (csv-stringify) stored as a batch_file; result { fileId, rows }.
 *
 * Restartable, not resumable: a resumed run reads from the first page again (an export is a snapshot: splicing pages
 * read at two different times would not be one). Its counts stay right — the cursor holds the rows already counted,
 * and only rows beyond them are counted again — and the file is written once, at the end, under an id derived from
 * the run, so a run that dies after writing it replaces it on restart instead of leaving a second file.
 */
@Injectable()
export class CsvExportJob implements BatchJob<CsvExportParams> {
  readonly name = 'csv.export';
  readonly description = 'CSV export: every ERPNext customer (paged) into a batch file, columns as csv.import takes them';
  readonly params = csvExportParams;

  constructor(
    private readonly erpnext: ErpNextReader,
    private readonly files: BatchFileRepository,
    @Inject(BATCH_JOBS_OPTIONS) private readonly options: Pick<BatchJobsOptions, 'pageSize'>,
  ) {}

  async run(context: BatchJobContext<CsvExportParams>): Promise<BatchJobResult> {
    const { runId, tenantId, signal, progress } = context;
    const counted = cursorSchema.safeParse(context.cursor).data?.rows ?? 0;
    const page = await this.erpnext.customers({ tenantId, runId, signal });
    const csv = stringify({ header: true, columns: EXPORT_COLUMNS });
    const chunks: Buffer[] = [];
    csv.on('data', (chunk: Buffer) => chunks.push(chunk));
    const ended = once(csv, 'end');

    let rows = 0;
    for (let start = 0; ; start += this.options.pageSize) {
      if (signal.aborted) return { rows, interrupted: true };
      const customers = await page(start, this.options.pageSize);
      for (const customer of customers) csv.write(toRecord(customer));
      rows += customers.length;
      const fresh = Math.max(0, rows - Math.max(counted, rows - customers.length));
      await progress.checkpoint({ succeeded: fresh }, { rows: Math.max(counted, rows) });
      if (customers.length < this.options.pageSize) break;
    }
    csv.end();
    await ended;

    const name = context.params.fileName ?? `customers-${new Date().toISOString().slice(0, 10)}.csv`;
    const file = await this.files.save({ id: batchCommandId(runId, 'csv.export:file'), tenantId, name, bytes: Buffer.concat(chunks) });
    return { fileId: file.id, fileName: file.name, rows, size: file.size, sha256: file.sha256 };
  }
}

function toRecord(customer: ErpCustomerRow): Record<string, string> {
  const text = (v: string | null | undefined) => (typeof v === 'string' ? v : '');
  return {
    customer_name: customer.customer_name,
    customer_type: text(customer.customer_type),
    customer_group: text(customer.customer_group),
    territory: text(customer.territory),
    email: text(customer.email_id),
    tax_id: text(customer.tax_id),
  };
}
