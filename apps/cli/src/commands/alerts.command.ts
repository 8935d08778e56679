import type { AlertDetailView, AlertView } from '../../../metrics-aggregator/src/alerts/usecases/list-alerts/list-alerts.handler';
import type { AlertRuleView } from '../../../metrics-aggregator/src/alerts/usecases/get-alert-rules/get-alert-rules.handler';
import { UsageError } from '../cli-errors';
import type { CommandCall, CommandSpec } from './command';
import { iso, table } from './output.format';

/** The tenant's alerts and alert rules (`--tenant`, else TENANT_ID): the same use cases as metrics-aggregator's API. */
const shown = (n: number | null) => (n === null ? '-' : String(Math.round(n * 1_000) / 1_000));

function alertTable(items: readonly AlertView[]): string[] {
  if (items.length === 0) return ['No alerts.'];
  return table(
    ['ID', 'RULE', 'SEVERITY', 'STATUS', 'SUBJECT', 'VALUE', 'THRESHOLD', 'FIRED', 'RESOLVED'],
    items.map((a) => [a.id, a.rule, a.severity, a.status, a.subject, shown(a.value), shown(a.threshold), iso(a.firedAt), iso(a.resolvedAt)]),
  );
}

function alertLines(a: AlertDetailView): string[] {
  return [
    `Alert ${a.id} (${a.status}, ${a.severity})`,
    `  rule        ${a.rule}`,
    `  subject     ${a.subject}`,
    `  summary     ${a.summary}`,
    `  value       ${shown(a.value)} (threshold ${shown(a.threshold)})`,
    `  fired       ${iso(a.firedAt)}`,
    `  evaluated   ${iso(a.lastEvaluatedAt)}`,
    `  resolved    ${iso(a.resolvedAt)}`,
    `  labels      ${JSON.stringify(a.labels)}`,
    a.deliveries.length === 0 ? '  deliveries  none (no enabled channel)' : '  deliveries',
    ...a.deliveries.map((d) => `    ${d.event.padEnd(9)} ${d.channelId}  ${d.status}, ${d.attempts} attempt(s)${d.deliveredAt ? `, delivered ${iso(d.deliveredAt)}` : ''}`),
  ];
}

function ruleTable(items: readonly AlertRuleView[]): string[] {
  const params = (p: Record<string, unknown>) => (Object.keys(p).length === 0 ? '-' : Object.entries(p).map(([k, v]) => `${k}=${String(v)}`).join(' '));
  return [
    ...table(
      ['RULE', 'ENABLED', 'EFFECTIVE', 'OVERRIDES'],
      items.map((r) => [r.rule, r.enabled ? 'yes' : 'no', params(r.effective), params(r.overrides)]),
    ),
    '',
    ...items.map((r) => `${r.rule}: ${r.description}`),
  ];
}

/** `--param key=value` (repeatable): numbers as numbers, anything else as text (the rule's schema decides). */
function paramsOf(call: CommandCall): Record<string, unknown> | undefined {
  const pairs = call.args.strings('param');
  if (pairs.length === 0) return undefined;
  const params: Record<string, unknown> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new UsageError(`alerts set-rule: --param takes key=value, got "${pair}"`);
    const raw = pair.slice(eq + 1).trim();
    params[pair.slice(0, eq).trim()] = raw !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
  }
  return params;
}

export const alertCommands: readonly CommandSpec[] = [
  {
    group: 'alerts',
    name: 'list',
    summary: "the tenant's alerts, newest first",
    options: {
      status: { type: 'string', value: 'firing|resolved', help: 'only these (default both)' },
      rule: { type: 'string', value: 'RULE', help: 'only this rule' },
      limit: { type: 'string', value: 'N', help: 'rows to show (default 100, at most 500)' },
    },
    async run(call) {
      const query: Record<string, string> = {};
      for (const key of ['status', 'rule', 'limit'] as const) {
        const value = call.args.string(key);
        if (value !== undefined) query[key] = value;
      }
      const page = await (await call.runtime.alerts()).alerts.list(call.actor.tenantId, query);
      return { json: page, text: alertTable(page.items) };
    },
  },
  {
    group: 'alerts',
    name: 'show',
    summary: 'one alert: summary, value and threshold, labels, its deliveries',
    positionals: ['id'],
    async run(call) {
      const alert = await (await call.runtime.alerts()).alerts.get(call.actor.tenantId, call.args.positionals[0]!);
      return { json: alert, text: alertLines(alert) };
    },
  },
  {
    group: 'alerts',
    name: 'rules',
    summary: 'every alert rule: enabled, the params in effect, the tenant\'s overrides',
    async run(call) {
      const rules = await (await call.runtime.alerts()).rules.execute(call.actor.tenantId);
      return { json: rules, text: ruleTable(rules.items) };
    },
  },
  {
    group: 'alerts',
    name: 'set-rule',
    summary: "change the tenant's setting of a rule: enable, disable, override params, or --reset them to the defaults",
    positionals: ['rule'],
    options: {
      enable: { type: 'boolean', help: 'evaluate the rule' },
      disable: { type: 'boolean', help: 'never fire it (open alerts of it resolve at the next round)' },
      param: { type: 'string', multiple: true, value: 'K=V', help: 'override a param (repeatable; replaces the overrides): threshold=0.2 minCalls=20 windowMinutes=10 severity=critical …' },
      reset: { type: 'boolean', help: 'drop the overrides: the defaults apply again' },
    },
    async run(call) {
      const [rule] = call.args.positionals;
      const enable = call.args.flag('enable');
      const disable = call.args.flag('disable');
      const reset = call.args.flag('reset');
      const params = paramsOf(call);
      if (enable && disable) throw new UsageError('alerts set-rule: --enable or --disable, not both');
      if (reset && params) throw new UsageError('alerts set-rule: --reset or --param, not both');
      if (!enable && !disable && !reset && !params) throw new UsageError('alerts set-rule: give --enable, --disable, --param K=V or --reset');
      const body = { ...(enable || disable ? { enabled: enable } : {}), ...(reset ? { params: {} } : params ? { params } : {}) };
      const view = await (await call.runtime.alerts()).setRule.execute(call.actor, rule!, body);
      return { json: view, text: ruleTable([view]).slice(0, 2) };
    },
  },
];
