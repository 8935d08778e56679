import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import type { MessageOf } from '@junction/contracts';
import { GenerateFinancialReportHandler } from './usecases/generate-financial-report/generate-financial-report.handler';

/** Maps messages to use cases; nothing else. */
@Controller()
export class ReportsConsumer {
  constructor(private readonly generateReport: GenerateFinancialReportHandler) {}

  @EventPattern('erp.financial-report.generate')
  async onGenerate(@Payload() command: MessageOf<'erp.financial-report.generate'>): Promise<void> {
    await this.generateReport.execute(command);
  }
}
