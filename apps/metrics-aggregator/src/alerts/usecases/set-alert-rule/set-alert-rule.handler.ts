import { z } from 'zod';
import { type ActorContext, ManagementError } from '@junction/contracts';
import type { AuditEventRepository, Prisma } from '@junction/persistence';
import { AlertErrors } from '../../alert-errors';
import { isRuleName, parseOverrides, RULE_NAMES } from '../../alert-rules';
import type { AlertRepository } from '../../alert.repository';
import { ruleView, type AlertRuleView } from '../get-alert-rules/get-alert-rules.handler';

/** PUT /alert-rules/:rule: `enabled` and/or `params` (which replace the tenant's overrides; `{}` = the defaults again). */
export const setAlertRuleSchema = z.strictObject({
  enabled: z.boolean().optional(),
  params: z.record(z.string(), z.unknown()).optional(),
});

/** A tenant's setting of one rule, validated by the rule's schema, saved and audited (alert-rule.updated). */
export class SetAlertRuleHandler {
  constructor(
    private readonly alerts: AlertRepository,
    private readonly audit: AuditEventRepository,
  ) {}

  async execute(who: ActorContext, rule: string, body: unknown): Promise<AlertRuleView> {
    if (!isRuleName(rule)) throw new ManagementError(AlertErrors.unknownRule, 404, `no alert rule ${rule} (rules: ${RULE_NAMES.join(', ')})`);
    const input = setAlertRuleSchema.safeParse(body ?? {});
    if (!input.success) throw new ManagementError(AlertErrors.invalidRule, 400, input.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '));
    let overrides: Record<string, unknown> | undefined;
    if (input.data.params !== undefined) {
      const parsed = parseOverrides(rule, input.data.params);
      if (!parsed.ok) throw new ManagementError(AlertErrors.invalidRule, 400, `${rule}: ${parsed.message}`);
      overrides = parsed.overrides;
    }
    const current = (await this.alerts.ruleSettings(who.tenantId)).find((r) => r.rule === rule);
    const enabled = input.data.enabled ?? current?.enabled ?? true;
    const params = (overrides ?? current?.params ?? {}) as Prisma.InputJsonValue;
    const saved = await this.alerts.transaction(async (tx) => {
      const row = await this.alerts.saveRule(tx, who.tenantId, rule, enabled, params);
      await this.audit.insertMany([{ action: 'alert-rule.updated', actor: who.actor, tenantId: who.tenantId, subject: rule, outcome: 'ok', detail: { enabled, params } }], tx);
      return row;
    });
    return ruleView(rule, saved);
  }
}
