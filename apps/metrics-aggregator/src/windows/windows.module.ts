import { type DynamicModule, Module } from '@nestjs/common';
import { ApiKeyGuard, ApiKeyService } from '@junction/webhooks';
import { AggregatorRegistry } from '../prometheus/prometheus.registry';
import { MicroBatcher } from './call-record.batcher';
import { CALL_RECORD_BATCHER, CallRecordsConsumer } from './call-records.consumer';
import { IntegrationWindowsController } from './integration-windows.controller';
import { MetricWindowRepository } from './metric-window.repository';
import { GetIntegrationWindowsHandler } from './usecases/get-integration-windows/get-integration-windows.handler';
import { RecordCallBatchHandler, type CallRecordedMessage } from './usecases/record-call-batch/record-call-batch.handler';

export interface WindowsModuleOptions {
  /** The idempotency guard's consumer name (the app's). */
  consumer: string;
  batchMax: number;
  batchWaitMs: number;
  concurrency: number;
}

/**
 * Metric windows: integration.call.recorded → metric_window (1 min / 1 h per tenant, provider, connection,
 * operation), and `GET /metrics/integrations` to read them. Provides the app's Prometheus registry (the batch
 * writer counts into it).
 */
@Module({})
export class WindowsModule {
  static forRoot(options: WindowsModuleOptions): DynamicModule {
    return {
      module: WindowsModule,
      controllers: [CallRecordsConsumer, IntegrationWindowsController],
      providers: [
        AggregatorRegistry,
        MetricWindowRepository,
        ApiKeyService,
        ApiKeyGuard,
        { provide: GetIntegrationWindowsHandler, inject: [MetricWindowRepository], useFactory: (windows: MetricWindowRepository) => new GetIntegrationWindowsHandler(windows) },
        {
          provide: RecordCallBatchHandler,
          inject: [MetricWindowRepository, AggregatorRegistry],
          useFactory: (windows: MetricWindowRepository, metrics: AggregatorRegistry) => new RecordCallBatchHandler(windows, options.consumer, metrics),
        },
        {
          provide: CALL_RECORD_BATCHER,
          inject: [RecordCallBatchHandler],
          useFactory: (handler: RecordCallBatchHandler) =>
            new MicroBatcher<CallRecordedMessage>({ maxSize: options.batchMax, maxWaitMs: options.batchWaitMs, concurrency: options.concurrency }, (items) => handler.execute(items)),
        },
      ],
      exports: [MetricWindowRepository, AggregatorRegistry],
    };
  }
}
