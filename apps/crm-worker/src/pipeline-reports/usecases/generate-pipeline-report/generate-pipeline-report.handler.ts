import { Injectable, Logger } from '@nestjs/common';
import type { MessageOf } from '@junction/contracts';
import { CommandStep } from '@junction/messaging';
import { CrmGateway } from '../../../crm/crm-gateway';
import { pipelineReport, type PipelineReport } from './pipeline-report';

type GenerateReport = MessageOf<'crm.pipeline-report.generate'>;

/**
 * crm.pipeline-report.generate → crm.pipeline-report.generated: every deal of the pipeline (all search pages), then
 * the report. Read-only, so repeating it is harmless; the effect step still answers a redelivery without re-reading.
 */
@Injectable()
export class GeneratePipelineReportHandler {
  private readonly logger = new Logger(GeneratePipelineReportHandler.name);

  constructor(
    private readonly commands: CommandStep,
    private readonly crm: CrmGateway,
  ) {}

  async execute(command: GenerateReport): Promise<void> {
    const { pipelineId, closeDateFrom, closeDateTo } = command.payload;
    await this.commands.run<'crm.pipeline-report.generate', { report: PipelineReport; pages: number; generatedAt: string }>(command, {
      provider: 'crm',
      operation: 'pipeline-report.generate',
      naturalKey: pipelineId ?? '(default)',
      effect: async ({ signal }) => {
        const crm = await this.crm.forCommand(command, signal);
        const snapshot = await crm.pipelineSnapshot(pipelineId, { closeDateFrom, closeDateTo });
        const report = pipelineReport(snapshot.pipeline, snapshot.opportunities);
        this.logger.log(`pipeline ${report.pipelineId}: ${report.dealCount} deals over ${snapshot.pages} pages (command ${command.id}, correlation ${command.correlationId})`);
        return { report, pages: snapshot.pages, generatedAt: new Date().toISOString() };
      },
      succeeded: ({ report, pages, generatedAt }) => ({ commandId: command.id, generatedAt, pages, ...report }),
      ledger: ({ report }) => ({ outcome: 'read', externalRef: report.pipelineId }),
    });
  }
}
