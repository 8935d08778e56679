import { type DynamicModule, Module } from '@nestjs/common';
import { MicroBatcher } from './call-record.batcher';
import { CALL_RECORD_BATCHER, CallRecordsConsumer } from './call-records.consumer';
import { MetricWindowRepository } from './metric-window.repository';
import { RecordCallBatchHandler, type CallRecordedMessage } from './usecases/record-call-batch/record-call-batch.handler';

export interface WindowsModuleOptions {
  /** The idempotency guard's consumer name (the app's). */
  consumer: string;
  batchMax: number;
  batchWaitMs: number;
  concurrency: number;
}

/** Metric windows: integration.call.recorded → metric_window (1 min / 1 h per tenant, provider, connection, operation). */
@Module({})
export class WindowsModule {
  static forRoot(options: WindowsModuleOptions): DynamicModule {
    return {
      module: WindowsModule,
      controllers: [CallRecordsConsumer],
      providers: [
        MetricWindowRepository,
        { provide: RecordCallBatchHandler, inject: [MetricWindowRepository], useFactory: (windows: MetricWindowRepository) => new RecordCallBatchHandler(windows, options.consumer) },
        {
          provide: CALL_RECORD_BATCHER,
          inject: [RecordCallBatchHandler],
          useFactory: (handler: RecordCallBatchHandler) =>
            new MicroBatcher<CallRecordedMessage>({ maxSize: options.batchMax, maxWaitMs: options.batchWaitMs, concurrency: options.concurrency }, (items) => handler.execute(items)),
        },
      ],
      exports: [MetricWindowRepository],
    };
  }
}
