import { Inject, Injectable } from '@nestjs/common';
import { createMessage, crmLeadCreate, type AnyMessage } from '@junction/contracts';
import { collectPages } from '@junction/connectors/crm';
import { z } from 'zod';
import type { BatchJob, BatchJobContext, BatchJobResult, BatchProgress } from '../batch-job';
import { BATCH_JOBS_OPTIONS, BatchPublishing, type BatchJobsOptions } from '../shared/batch-publishing';
import { batchCommandId } from '../shared/command-id';
import type { BatchItem, PublishCursor } from '../shared/paced-publisher';
import { CrmReader, ErpNextReader, type ErpCustomerRow } from '../providers/provider-readers';
import { reconcileCustomers, type Finding } from './customer-reconciliation';

export const reconcileCustomersParams = z.strictObject({
  /** create_missing_in_crm: a crm.lead.create for each customer missing in the CRM (paced, at most once per run). */
  fix: z.enum(['create_missing_in_crm']).optional(),
  ratePerSecond: z.number().positive().max(1_000).optional(),
});
export type ReconcileCustomersParams = z.infer<typeof reconcileCustomersParams>;

/** reported: findings written so far; counted: the report is complete (its counts are in); fix: the leads' own cursor. */
const cursorSchema = z.object({ reported: z.number().int().min(0), counted: z.boolean().default(false), fix: z.unknown().optional() });
const MAX_PAGES = 10_000;

/**
 * `reconcile.customers`: every ERPNext customer and every CRM contact (both listings paged through their clients and
 * the resilience pipeline, outside any transaction), matched by e-mail. Each finding (MISSING_IN_CRM, MISSING_IN_ERP,
 * NAME_CONFLICT, DUPLICATE_EMAIL_IN_ERP) is a row of the run's report (batch_row_error, key = the e-mail); the result
 * holds the counts. Findings count as `failed`, clean matches as `succeeded`.
 *
 * Restartable: a resumed run reads both sides again and writes the findings after those already reported (the
 * cursor); the findings are sorted, so unchanged data numbers them the same. With `fix`, the leads follow the report,
 * paced to the CRM and published at most once per run (ids from run + e-mail).
 */
@Injectable()
export class ReconcileCustomersJob implements BatchJob<ReconcileCustomersParams> {
  readonly name = 'reconcile.customers';
  readonly description = 'ERPNext customers vs CRM contacts by e-mail: missing on either side, name conflicts; optionally create the missing leads';
  readonly params = reconcileCustomersParams;

  constructor(
    private readonly erpnext: ErpNextReader,
    private readonly crm: CrmReader,
    private readonly publishing: BatchPublishing,
    @Inject(BATCH_JOBS_OPTIONS) private readonly options: Pick<BatchJobsOptions, 'pageSize' | 'checkpointEvery'>,
  ) {}

  async run(context: BatchJobContext<ReconcileCustomersParams>): Promise<BatchJobResult> {
    const { runId, tenantId, signal, progress } = context;
    const cursor = cursorSchema.safeParse(context.cursor).data ?? { reported: 0, counted: false };
    const customers = await this.readCustomers(context);
    const contactsPage = await this.crm.contacts({ tenantId, runId, signal });
    const contacts = await collectPages((after) => contactsPage(after, this.options.pageSize), MAX_PAGES);
    const { findings, summary } = reconcileCustomers(customers, contacts);
    await progress.setTotal(findings.length + summary.matched - summary.conflicting);

    // The clean matches are counted once, in the checkpoint that completes the report.
    const clean = summary.matched - summary.conflicting;
    for (let from = cursor.reported; !cursor.counted; from += this.options.checkpointEvery) {
      const chunk = findings.slice(from, from + this.options.checkpointEvery);
      const to = from + chunk.length;
      const last = to >= findings.length;
      const rowErrors = chunk.map((f, i) => ({ row: from + i + 1, key: f.key, code: f.code, message: f.message }));
      await progress.checkpoint({ failed: chunk.length, succeeded: last ? clean : 0 }, { reported: to, counted: last }, rowErrors);
      if (last) break;
    }

    if (context.params.fix !== 'create_missing_in_crm') return { ...summary };
    const pace = await this.publishing.paceFor(tenantId, 'crm', context.params.ratePerSecond);
    const fixContext = { ...context, cursor: cursor.fix ?? null, progress: fixProgress(progress, findings.length) };
    const totals = await this.publishing.publish(fixContext, leadCommands(runId, tenantId, findings), pace);
    return { ...summary, leadsCreated: totals.published + totals.duplicates, interrupted: totals.interrupted };
  }

  private async readCustomers({ runId, tenantId, signal }: BatchJobContext<ReconcileCustomersParams>): Promise<ErpCustomerRow[]> {
    const page = await this.erpnext.customers({ tenantId, runId, signal });
    const all: ErpCustomerRow[] = [];
    for (let start = 0; ; start += this.options.pageSize) {
      const rows = await page(start, this.options.pageSize);
      all.push(...rows);
      if (rows.length < this.options.pageSize) return all;
    }
  }
}

/** The fix's checkpoints keep the report's place in the cursor and add no counts (the findings were counted). */
function fixProgress(inner: BatchProgress, reported: number): BatchProgress {
  return {
    setTotal: () => Promise.resolve(),
    checkpoint: (_done, fix) => inner.checkpoint({}, { reported, counted: true, fix: fix as PublishCursor }),
  };
}

/** crm.lead.create per customer missing in the CRM: a company's name as `company`, a person's split into first/last. */
async function* leadCommands(runId: string, tenantId: string, findings: readonly Finding[]): AsyncGenerator<BatchItem> {
  for (const [index, finding] of findings.entries()) {
    if (finding.code !== 'MISSING_IN_CRM' || !finding.customer) continue;
    const name = finding.customer.customer_name.trim();
    const person = finding.customer.customer_type === 'Individual';
    const [first, ...rest] = name.split(/\s+/);
    const payload = person ? { email: finding.key, firstName: first, lastName: rest.join(' ') || undefined } : { email: finding.key, company: name };
    const parsed = crmLeadCreate.command.payload.safeParse(payload);
    // A customer whose data the CRM would refuse (an e-mail ERPNext took but HubSpot's format does not) is already in the report.
    if (!parsed.success) continue;
    const message = createMessage('crm.lead.create', parsed.data, { tenantId, id: batchCommandId(runId, `lead:${finding.key}`), correlationId: runId }) as AnyMessage;
    yield { row: index + 1, message };
  }
}
