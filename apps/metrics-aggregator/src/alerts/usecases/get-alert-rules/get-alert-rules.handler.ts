import type { AlertRuleName } from '@junction/contracts';
import { parseOverrides, resolveParams, RULE_NAMES, RULES, type RuleParams } from '../../alert-rules';
import type { AlertRepository } from '../../alert.repository';

/** One rule for one tenant: its defaults, the tenant's overrides, what applies, and whether it is enabled. */
export interface AlertRuleView {
  rule: AlertRuleName;
  description: string;
  enabled: boolean;
  defaults: Readonly<Record<string, number | string>>;
  overrides: Record<string, unknown>;
  /** The params a round uses (defaults + overrides), limited to those the rule reads. */
  effective: Record<string, number | string>;
}

/** Every rule with the tenant's settings (GET /alert-rules, `junction alerts rules`). */
export class GetAlertRulesHandler {
  constructor(private readonly alerts: AlertRepository) {}

  async execute(tenantId: string): Promise<{ items: AlertRuleView[] }> {
    const rows = new Map((await this.alerts.ruleSettings(tenantId)).map((r) => [r.rule, r]));
    return { items: RULE_NAMES.map((rule) => ruleView(rule, rows.get(rule))) };
  }
}

export function ruleView(rule: AlertRuleName, row: { enabled: boolean; params: unknown } | undefined): AlertRuleView {
  const parsed = parseOverrides(rule, row?.params ?? {});
  const { params } = resolveParams(rule, row?.params ?? {});
  const defaults = RULES[rule].defaults;
  const effective = Object.fromEntries(Object.keys(defaults).map((k) => [k, params[k as keyof RuleParams]]));
  return { rule, description: RULES[rule].description, enabled: row?.enabled ?? true, defaults, overrides: parsed.ok ? parsed.overrides : {}, effective };
}
