import { Module } from '@nestjs/common';
import { ReportsConsumer } from './reports.consumer';
import { GenerateFinancialReportHandler } from './usecases/generate-financial-report/generate-financial-report.handler';

/** Reports: ERPNext query reports for a company and date range. */
@Module({
  controllers: [ReportsConsumer],
  providers: [GenerateFinancialReportHandler],
})
export class ReportsModule {}
