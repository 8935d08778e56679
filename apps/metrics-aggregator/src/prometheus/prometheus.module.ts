import { type DynamicModule, Module } from '@nestjs/common';
import { MetricWindowRepository } from '../windows/metric-window.repository';
import { WindowsModule, type WindowsModuleOptions } from '../windows/windows.module';
import { PrometheusController } from './prometheus.controller';
import { PrometheusExporter } from './prometheus.exporter';
import { AggregatorRegistry } from './prometheus.registry';

/** `GET /metrics`: default process metrics, the batch writer's own series, and gauges derived from metric_window. */
@Module({})
export class PrometheusModule {
  static forRoot(options: { rangeMinutes: number; windows: WindowsModuleOptions }): DynamicModule {
    return {
      module: PrometheusModule,
      imports: [WindowsModule.forRoot(options.windows)],
      controllers: [PrometheusController],
      providers: [
        {
          provide: PrometheusExporter,
          inject: [AggregatorRegistry, MetricWindowRepository],
          useFactory: (metrics: AggregatorRegistry, windows: MetricWindowRepository) => new PrometheusExporter(metrics, windows, options.rangeMinutes),
        },
      ],
    };
  }
}
