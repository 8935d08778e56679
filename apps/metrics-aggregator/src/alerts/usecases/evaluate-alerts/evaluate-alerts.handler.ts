import { Logger } from '@nestjs/common';
import { type AlertRuleName, type AnyMessage, createMessage, type MessageOf } from '@junction/contracts';
import type { Tx } from '@junction/persistence';
import { evaluateRule, type Finding, type TenantSignals, windowFrom } from '../../alert-conditions';
import { isRuleName, RULE_NAMES, resolveParams, type RuleParams, widestWindowMinutes } from '../../alert-rules';
import type { AlertSignalsRepository } from '../../alert-signals.repository';
import { type AlertRepository, type OpenAlert, openKeyOf } from '../../alert.repository';

/** Where the transitions' events go: the outbox, in the transaction of the transition (MessagePublisher). */
export interface AlertEventSink {
  enqueue(tx: Tx, messages: readonly AnyMessage[]): Promise<void>;
  wake(): void;
}

export interface EvaluationReport {
  /** False when another evaluator held the lock: this round did nothing. */
  evaluated: boolean;
  fired: number;
  stillFiring: number;
  resolved: number;
}

const EMPTY: TenantSignals = { calls: [], reauth: [], deadLetters: [] };

/**
 * One evaluation round over every tenant and rule, under the evaluation lock (other replicas skip the round).
 * True and not open → fire: the alert, a pending delivery per enabled channel of the tenant and `ops.alert.fired`
 * in one transaction. True and open → the value and lastEvaluatedAt only. False (or the rule disabled) and open →
 * resolve: status, openKey freed, resolvedAt, deliveries and `ops.alert.resolved` in one transaction. `now` is the
 * round's clock (injected by tests: windows age out without sleeping).
 */
export class EvaluateAlertsHandler {
  private readonly logger = new Logger(EvaluateAlertsHandler.name);

  constructor(
    private readonly alerts: AlertRepository,
    private readonly signals: AlertSignalsRepository,
    private readonly events: AlertEventSink,
  ) {}

  async execute(now: Date = new Date()): Promise<EvaluationReport> {
    const outcome = await this.alerts.exclusive(() => this.round(now));
    return outcome.acquired ? outcome.value : { evaluated: false, fired: 0, stillFiring: 0, resolved: 0 };
  }

  /** The round itself, without the lock (the lock is an optimisation: openKey alone keeps an alert from firing twice). */
  async round(now: Date): Promise<EvaluationReport> {
    const settings = await this.settingsByTenant();
    const widest = widestWindowMinutes([...RULE_NAMES.map((rule) => resolveParams(rule, {}).params), ...[...settings.values()].flatMap((m) => [...m.values()].map((s) => s.params))]);
    const from = windowFrom(now, widest);
    const [calls, reauth, deadLetters, open] = await Promise.all([
      this.signals.callMinutes(from, now),
      this.signals.reauthRequired(),
      this.signals.openDeadLetterMinutes(from, now),
      this.alerts.openAlerts(),
    ]);
    const byTenant = new Map<string, TenantSignals>();
    const signalsOf = (tenantId: string) => {
      let s = byTenant.get(tenantId);
      if (!s) byTenant.set(tenantId, (s = { calls: [], reauth: [], deadLetters: [] }));
      return s as { calls: TenantSignals['calls'][number][]; reauth: TenantSignals['reauth'][number][]; deadLetters: TenantSignals['deadLetters'][number][] };
    };
    for (const c of calls) signalsOf(c.tenantId).calls.push(c);
    for (const c of reauth) signalsOf(c.tenantId).reauth.push(c);
    for (const d of deadLetters) signalsOf(d.tenantId).deadLetters.push(d);

    const openByKey = new Map(open.map((a) => [a.openKey!, a]));
    const report: EvaluationReport = { evaluated: true, fired: 0, stillFiring: 0, resolved: 0 };
    const stillTrue = new Set<string>();
    for (const tenantId of new Set([...byTenant.keys(), ...open.map((a) => a.tenantId)])) {
      for (const rule of RULE_NAMES) {
        const setting = settings.get(tenantId)?.get(rule);
        if (setting && !setting.enabled) continue;
        const params = setting?.params ?? resolveParams(rule, {}).params;
        for (const finding of evaluateRule(rule, params, byTenant.get(tenantId) ?? EMPTY, now)) {
          const key = openKeyOf(tenantId, rule, finding.subject);
          stillTrue.add(key);
          if (openByKey.has(key)) {
            await this.alerts.touch(key, finding, now);
            report.stillFiring++;
          } else if (await this.isolated(key, () => this.fire(tenantId, finding, now))) {
            report.fired++;
          } else {
            report.stillFiring++;
          }
        }
      }
    }
    for (const alert of open) {
      if (stillTrue.has(alert.openKey!)) continue;
      if (await this.isolated(alert.openKey!, () => this.resolve(alert, now))) report.resolved++;
    }
    if (report.fired + report.resolved > 0) {
      this.events.wake();
      this.logger.log({ message: 'alerts evaluated', fired: report.fired, resolved: report.resolved, stillFiring: report.stillFiring });
    }
    return report;
  }

  private async settingsByTenant(): Promise<Map<string, Map<AlertRuleName, { enabled: boolean; params: RuleParams }>>> {
    const out = new Map<string, Map<AlertRuleName, { enabled: boolean; params: RuleParams }>>();
    for (const row of await this.alerts.ruleSettings()) {
      if (!(RULE_NAMES as readonly string[]).includes(row.rule)) continue;
      const rule = row.rule as AlertRuleName;
      const { params, invalid } = resolveParams(rule, row.params);
      if (invalid) this.logger.warn({ message: 'stored alert rule params no longer validate: using the defaults', tenantId: row.tenantId, rule });
      const tenant = out.get(row.tenantId) ?? new Map<AlertRuleName, { enabled: boolean; params: RuleParams }>();
      tenant.set(rule, { enabled: row.enabled, params });
      out.set(row.tenantId, tenant);
    }
    return out;
  }

  /**
   * One transition that fails (a constraint, an alert whose stored fields no longer make a valid event) is logged and
   * left for the next round; it must not stop the round's other alerts. An outage fails the next query anyway.
   */
  private async isolated(key: string, transition: () => Promise<boolean>): Promise<boolean> {
    try {
      return await transition();
    } catch (error: unknown) {
      this.logger.warn({ message: 'alert transition failed: retried next round', openKey: key, reason: (error as Error).message });
      return false;
    }
  }

  /** False when an alert was already open for the key (another evaluator fired it first). */
  private fire(tenantId: string, finding: Finding, now: Date): Promise<boolean> {
    return this.alerts.transaction(async (tx) => {
      const alert = await this.alerts.insertFiring(tx, tenantId, finding, now);
      if (!alert) return false;
      await this.alerts.addDeliveries(tx, alert.id, tenantId, 'fired');
      await this.events.enqueue(tx, [createMessage('ops.alert.fired', fields(alert), { tenantId, occurredAt: now })]);
      return true;
    });
  }

  private resolve(alert: OpenAlert, now: Date): Promise<boolean> {
    return this.alerts.transaction(async (tx) => {
      if (!(await this.alerts.markResolved(tx, alert.id, now))) return false;
      // A rule this version no longer has (renamed, retired): closed quietly, its event type would not validate.
      if (!isRuleName(alert.rule)) return true;
      await this.alerts.addDeliveries(tx, alert.id, alert.tenantId, 'resolved');
      const resolved: MessageOf<'ops.alert.resolved'> = createMessage('ops.alert.resolved', { ...fields(alert), resolvedAt: now.toISOString() }, { tenantId: alert.tenantId, occurredAt: now });
      await this.events.enqueue(tx, [resolved]);
      return true;
    });
  }
}

function fields(alert: OpenAlert): MessageOf<'ops.alert.fired'>['payload'] {
  const labels = alert.labels !== null && typeof alert.labels === 'object' && !Array.isArray(alert.labels) ? (alert.labels as Record<string, unknown>) : {};
  return {
    alertId: alert.id,
    rule: alert.rule as AlertRuleName,
    subject: alert.subject,
    severity: alert.severity === 'critical' ? 'critical' : 'warning',
    summary: alert.summary,
    value: alert.value,
    threshold: alert.threshold,
    labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, String(v)])),
    firedAt: alert.firedAt.toISOString(),
  };
}
