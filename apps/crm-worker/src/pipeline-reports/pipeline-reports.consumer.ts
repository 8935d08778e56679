import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { GeneratePipelineReportHandler } from './usecases/generate-pipeline-report/generate-pipeline-report.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class PipelineReportsConsumer {
  constructor(private readonly generateReport: GeneratePipelineReportHandler) {}

  @EventPattern('crm.pipeline-report.generate')
  async onGenerate(@Payload() command: MessageOf<'crm.pipeline-report.generate'>): Promise<void> {
    await this.generateReport.execute(command);
  }
}
