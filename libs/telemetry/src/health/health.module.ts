import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HealthController } from './health.controller';
import { READINESS_CHECKS } from './readiness';

/** `/health/live` and `/health/ready`; `checks` provides READINESS_CHECKS (an array of ReadinessCheck). */
@Module({})
export class HealthModule {
  static forRoot(checks: Omit<Extract<Provider, { useFactory: unknown }>, 'provide'>): DynamicModule {
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController],
      providers: [{ provide: READINESS_CHECKS, ...checks }],
    };
  }
}
