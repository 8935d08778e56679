import { type DynamicModule, Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { MessagePublisher } from '@junction/messaging';
import { AuditEventRepository } from '@junction/persistence';
import { ApiKeyGuard, ApiKeyService } from '@junction/webhooks';
import { AggregatorRegistry } from '../prometheus/prometheus.registry';
import { AlertErrorInterceptor } from './alert-error.interceptor';
import { ALERT_EVALUATION_SETTINGS, AlertEvaluationLoop, type AlertEvaluationSettings } from './alert-evaluation.loop';
import { AlertSignalsRepository } from './alert-signals.repository';
import { AlertRepository } from './alert.repository';
import { AlertRulesController, AlertsController } from './alerts.controller';
import { registerAlertsGauge } from './alerts.gauge';
import { EvaluateAlertsHandler } from './usecases/evaluate-alerts/evaluate-alerts.handler';
import { GetAlertRulesHandler } from './usecases/get-alert-rules/get-alert-rules.handler';
import { ListAlertsHandler } from './usecases/list-alerts/list-alerts.handler';
import { SetAlertRuleHandler } from './usecases/set-alert-rule/set-alert-rule.handler';

/** Adds junction_alerts_firing to the app's registry (provided by the windows module) once the app is wired. */
@Injectable()
class AlertsGaugeRegistration implements OnModuleInit {
  constructor(
    private readonly moduleRef: ModuleRef,
    @Inject(AlertRepository) private readonly alerts: AlertRepository,
  ) {}

  onModuleInit(): void {
    const metrics = this.moduleRef.get(AggregatorRegistry, { strict: false });
    registerAlertsGauge(metrics.registry, this.alerts);
  }
}

/**
 * Alert rules and their evaluation: a round every interval (one evaluator at a time across replicas), alerts with
 * their pending deliveries and ops.alert.fired / ops.alert.resolved in the outbox; GET /alerts, GET /alerts/:id,
 * GET /alert-rules, PUT /alert-rules/:rule; junction_alerts_firing on /metrics.
 */
@Module({})
export class AlertsModule {
  static forRoot(settings: AlertEvaluationSettings): DynamicModule {
    return {
      module: AlertsModule,
      controllers: [AlertsController, AlertRulesController],
      providers: [
        AlertRepository,
        AlertSignalsRepository,
        ApiKeyService,
        ApiKeyGuard,
        AlertErrorInterceptor,
        AlertEvaluationLoop,
        AlertsGaugeRegistration,
        { provide: ALERT_EVALUATION_SETTINGS, useValue: settings },
        {
          provide: EvaluateAlertsHandler,
          inject: [AlertRepository, AlertSignalsRepository, MessagePublisher],
          useFactory: (alerts: AlertRepository, signals: AlertSignalsRepository, publisher: MessagePublisher) => new EvaluateAlertsHandler(alerts, signals, publisher),
        },
        { provide: ListAlertsHandler, inject: [AlertRepository], useFactory: (alerts: AlertRepository) => new ListAlertsHandler(alerts) },
        { provide: GetAlertRulesHandler, inject: [AlertRepository], useFactory: (alerts: AlertRepository) => new GetAlertRulesHandler(alerts) },
        {
          provide: SetAlertRuleHandler,
          inject: [AlertRepository, AuditEventRepository],
          useFactory: (alerts: AlertRepository, audit: AuditEventRepository) => new SetAlertRuleHandler(alerts, audit),
        },
      ],
      exports: [EvaluateAlertsHandler],
    };
  }
}
