import { Body, Controller, Get, Param, Put, Query, UseInterceptors } from '@nestjs/common';
import { ApiKeyAuth, type ApiKeyCaller, Caller } from '@junction/webhooks';
import { AlertErrorInterceptor } from './alert-error.interceptor';
import { GetAlertRulesHandler, type AlertRuleView } from './usecases/get-alert-rules/get-alert-rules.handler';
import { ListAlertsHandler, type AlertDetailView, type AlertView } from './usecases/list-alerts/list-alerts.handler';
import { SetAlertRuleHandler } from './usecases/set-alert-rule/set-alert-rule.handler';

/** `GET /alerts?status=firing|resolved&rule=&limit=`, `GET /alerts/:id`: the key's tenant's alerts (admin scope). */
@Controller('alerts')
@ApiKeyAuth('admin')
@UseInterceptors(AlertErrorInterceptor)
export class AlertsController {
  constructor(private readonly alerts: ListAlertsHandler) {}

  @Get()
  list(@Caller() caller: ApiKeyCaller, @Query() query: Record<string, unknown>): Promise<{ items: AlertView[] }> {
    return this.alerts.list(caller.tenantId, query);
  }

  @Get(':id')
  get(@Caller() caller: ApiKeyCaller, @Param('id') id: string): Promise<AlertDetailView> {
    return this.alerts.get(caller.tenantId, id);
  }
}

/** `GET /alert-rules` (every rule: defaults, the tenant's overrides, enabled) and `PUT /alert-rules/:rule {enabled, params}`. */
@Controller('alert-rules')
@ApiKeyAuth('admin')
@UseInterceptors(AlertErrorInterceptor)
export class AlertRulesController {
  constructor(
    private readonly rules: GetAlertRulesHandler,
    private readonly setRule: SetAlertRuleHandler,
  ) {}

  @Get()
  list(@Caller() caller: ApiKeyCaller): Promise<{ items: AlertRuleView[] }> {
    return this.rules.execute(caller.tenantId);
  }

  @Put(':rule')
  set(@Caller() caller: ApiKeyCaller, @Param('rule') rule: string, @Body() body: unknown): Promise<AlertRuleView> {
    return this.setRule.execute({ tenantId: caller.tenantId, actor: caller.actor }, rule, body);
  }
}
