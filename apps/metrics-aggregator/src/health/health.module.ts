import { type DynamicModule, Injectable, Logger, Module, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { ConnectionProbe, ConnectionResolver, ConnectionTester } from '@junction/integrations';
import { ApiKeyGuard, ApiKeyService } from '@junction/webhooks';
import { AggregatorRegistry } from '../prometheus/prometheus.registry';
import { ConnectionHealthCheckRepository } from './connection-health.repository';
import { ConnectionHealthViewRepository } from './connection-health-view.repository';
import { registerConnectionHealthGauge } from './connection-health.gauge';
import { HealthCheckScheduler, type HealthSchedule } from './health-check.scheduler';
import { HealthController } from './health.controller';
import { GetConnectionHealthHandler, type HealthViewSettings } from './usecases/get-connection-health/get-connection-health.handler';
import { type HealthCheckSettings, RunHealthCheckHandler } from './usecases/run-health-check/run-health-check.handler';

export interface HealthModuleOptions {
  schedule: HealthSchedule;
  checks: HealthCheckSettings;
  view: HealthViewSettings;
}

/**
 * Adds junction_connection_health to the app's registry. The registry belongs to the windows module (the
 * Prometheus module's import); looked up app-wide once every module is built rather than importing that dynamic
 * module a second time (a second instance would be a second registry that /metrics never renders).
 */
@Injectable()
class HealthGaugeRegistrar implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    private readonly views: ConnectionHealthViewRepository,
  ) {}

  onModuleInit(): void {
    const metrics = this.moduleRef.get(AggregatorRegistry, { strict: false });
    registerConnectionHealthGauge(metrics.registry, this.views);
  }
}

/**
 * Connection health: the scheduled checks (every replica runs the loop; claims never overlap), the status rules,
 * GET /health/connections[/:id] and the junction_connection_health gauge. The checks need the connection test
 * (IntegrationsModule, i.e. JUNCTION_KEK): without it the loop stays off and says so; the API still answers.
 */
@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions): DynamicModule {
    return {
      module: HealthModule,
      controllers: [HealthController],
      providers: [
        ConnectionHealthCheckRepository,
        ConnectionHealthViewRepository,
        ApiKeyService,
        ApiKeyGuard,
        HealthGaugeRegistrar,
        { provide: GetConnectionHealthHandler, inject: [ConnectionHealthViewRepository], useFactory: (views: ConnectionHealthViewRepository) => new GetConnectionHealthHandler(views, options.view) },
        {
          provide: HealthCheckScheduler,
          inject: [ConnectionHealthCheckRepository, { token: ConnectionResolver, optional: true }, { token: ConnectionTester, optional: true }],
          useFactory: (repository: ConnectionHealthCheckRepository, resolver?: ConnectionResolver, tester?: ConnectionTester) => {
            const probe = resolver && tester ? new ConnectionProbe(resolver, tester) : undefined;
            if (!probe && options.schedule.enabled) new Logger(HealthModule.name).warn('scheduled connection health checks are off: they need JUNCTION_KEK (the key ring connection secrets are sealed with)');
            const handler = new RunHealthCheckHandler(repository, probe ?? unavailableProbe(), options.checks);
            return new HealthCheckScheduler(repository, handler, { ...options.schedule, enabled: options.schedule.enabled && probe !== undefined });
          },
        },
      ],
      exports: [HealthCheckScheduler],
    };
  }
}

function unavailableProbe(): ConnectionProbe {
  return { test: () => Promise.reject(new Error('connection tests are not available in this process (JUNCTION_KEK is not set)')) } as unknown as ConnectionProbe;
}
