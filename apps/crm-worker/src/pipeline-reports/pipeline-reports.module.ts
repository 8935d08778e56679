import { Module } from '@nestjs/common';
import { PipelineReportsConsumer } from './pipeline-reports.consumer';
import { GeneratePipelineReportHandler } from './usecases/generate-pipeline-report/generate-pipeline-report.handler';

@Module({ controllers: [PipelineReportsConsumer], providers: [GeneratePipelineReportHandler] })
export class PipelineReportsModule {}
