import { AuditEventRepository, type PrismaService } from '@junction/persistence';
import { AlertRepository } from './alert.repository';
import { GetAlertRulesHandler } from './usecases/get-alert-rules/get-alert-rules.handler';
import { ListAlertsHandler } from './usecases/list-alerts/list-alerts.handler';
import { SetAlertRuleHandler } from './usecases/set-alert-rule/set-alert-rule.handler';

/** The alerts use cases the CLI runs against the database directly (`junction alerts …`), the same ones as the API. */
export class AlertAdmin {
  constructor(
    readonly alerts: ListAlertsHandler,
    readonly rules: GetAlertRulesHandler,
    readonly setRule: SetAlertRuleHandler,
  ) {}

  static create(prisma: PrismaService): AlertAdmin {
    const repository = new AlertRepository(prisma);
    return new AlertAdmin(new ListAlertsHandler(repository), new GetAlertRulesHandler(repository), new SetAlertRuleHandler(repository, new AuditEventRepository(prisma)));
  }
}
