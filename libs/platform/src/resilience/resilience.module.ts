import { type DynamicModule, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { MESSAGE_BUS, type MessageBus } from '@junction/messaging';
import { PostgresRateLimiter, PrismaService } from '@junction/persistence';
import { fanOut, OtelCallObserver, ResiliencePipelines, type PolicyOverride } from '@junction/resilience';
import { BusCallObserver } from './bus-call-observer';

export interface ResilienceModuleOptions {
  tenantId: string;
  /** Per provider (`erpnext`) or per connection (`erpnext/eu`) policy overrides. */
  overrides?: Record<string, PolicyOverride>;
}

class ResilienceLifecycle implements OnApplicationShutdown {
  constructor(
    @Inject(ResiliencePipelines) private readonly pipelines: ResiliencePipelines,
    @Inject(BusCallObserver) private readonly observer: BusCallObserver,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    this.pipelines.close();
    await this.observer.close();
  }
}

/**
 * Gives an app the resilience pipelines every provider call goes through: rate limits shared by all
 * replicas in Postgres, one breaker per provider + connection, and one `integration.call.recorded` per
 * attempt on the bus plus OpenTelemetry spans and metrics.
 */
@Module({})
export class ResilienceModule {
  static forRoot(options: ResilienceModuleOptions): DynamicModule {
    return {
      module: ResilienceModule,
      global: true,
      providers: [
        { provide: BusCallObserver, inject: [MESSAGE_BUS], useFactory: (bus: MessageBus) => new BusCallObserver(bus, options.tenantId) },
        {
          provide: ResiliencePipelines,
          inject: [PrismaService, BusCallObserver],
          useFactory: (prisma: PrismaService, busObserver: BusCallObserver) =>
            new ResiliencePipelines({
              limiter: new PostgresRateLimiter(prisma),
              observer: fanOut(busObserver, new OtelCallObserver()),
              overrides: options.overrides,
            }),
        },
        ResilienceLifecycle,
      ],
      exports: [ResiliencePipelines],
    };
  }
}
