import { Injectable } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { ErpNextCalls } from '../../../erpnext/erpnext-calls';
import { reportFilters, reportNameOf, toGenerated } from '../../financial-report.mapper';

type GenerateReport = MessageOf<'erp.financial-report.generate'>;

/**
 * erp.financial-report.generate → erp.financial-report.generated: one `frappe.desk.query_report.run` (a read; repeating
 * it is harmless). Filters ERPNext refuses (an unknown company, a report the site does not have) answer `.failed`
 * with ERPNext's message; a site that runs the report as a queued Prepared Report answers `.failed` (PROVIDER_REJECTED).
 */
@Injectable()
export class GenerateFinancialReportHandler {
  constructor(
    private readonly commands: CommandStep,
    private readonly erpnext: ErpNextCalls,
  ) {}

  async execute(command: GenerateReport): Promise<void> {
    const { payload } = command;
    await this.commands.run(command, {
      provider: 'erpnext',
      operation: 'financial-report.generate',
      naturalKey: `${payload.reportType}:${payload.company}:${payload.fromDate}..${payload.toDate}`,
      effect: async (context) => {
        const erp = await this.erpnext.open(command, context);
        return erp.read('report.run', (client, options) => client.runQueryReport(reportNameOf(payload), reportFilters(payload), options));
      },
      succeeded: (report) => toGenerated(command.id, payload, report),
      ledger: () => ({ outcome: 'read' }),
    });
  }
}
