import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { BatchFileRepository } from '../../files/batch-file.repository';
import type { BatchJob, BatchJobContext, BatchJobResult } from '../batch-job';
import { BatchJobError } from '../shared/batch-job.error';
import { BatchPublishing } from '../shared/batch-publishing';
import { IMPORT_TARGETS, type ImportTarget } from './csv-columns';
import { countDataRows, csvImportItems } from './csv-rows';

export const csvImportParams = z.strictObject({
  /** A batch_file of the run's tenant (POST /batch-files, `junction batch import`). */
  fileId: z.uuid(),
  target: z.enum(Object.keys(IMPORT_TARGETS) as [ImportTarget, ...ImportTarget[]]),
  /** Commands per second (default: the target provider's limit). */
  ratePerSecond: z.number().positive().max(1_000).optional(),
});
export type CsvImportParams = z.infer<typeof csvImportParams>;

/**
 * `csv.import`: a CSV of ERPNext customers (erp.customer.create per row) or CRM leads (crm.lead.create), streamed
 * row by row. Valid rows become commands through the outbox, paced to the provider; invalid rows go to the run's
 * report (batch_row_error: row, key, code, the columns at fault). Resumable: the cursor is the last committed row,
 * and a resumed run skips the rows up to it; rows redone after a crash publish nothing twice (deterministic ids, the
 * batch ledger). A header the target cannot take fails the run (CSV_MISSING_COLUMN, CSV_UNKNOWN_COLUMN …).
 */
@Injectable()
export class CsvImportJob implements BatchJob<CsvImportParams> {
  readonly name = 'csv.import';
  readonly description = 'CSV import: erp.customer (erp.customer.create) or crm.lead (crm.lead.create) per row, with a per-row validation report';
  readonly params = csvImportParams;

  constructor(
    private readonly files: BatchFileRepository,
    private readonly publishing: BatchPublishing,
  ) {}

  async run(context: BatchJobContext<CsvImportParams>): Promise<BatchJobResult> {
    const { tenantId, runId, params } = context;
    const file = await this.files.findInTenant(tenantId, params.fileId);
    if (!file) throw new BatchJobError('FILE_NOT_FOUND', `batch file ${params.fileId} not found in tenant ${tenantId}`);
    await context.progress.setTotal(await countDataRows(file.bytes));
    const pace = await this.publishing.paceFor(tenantId, IMPORT_TARGETS[params.target].provider, params.ratePerSecond);
    const totals = await this.publishing.publish(context, csvImportItems({ runId, tenantId, target: params.target, bytes: file.bytes }), pace);
    return {
      fileId: file.id,
      target: params.target,
      rows: totals.row,
      commands: totals.published + totals.duplicates,
      rejected: totals.rejected,
      interrupted: totals.interrupted,
    };
  }
}
