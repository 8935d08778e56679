import { z } from 'zod';
import { alertRuleNames, alertSeveritySchema, type AlertRuleName, type AlertSeverity } from '@junction/contracts';

const windowMinutes = z.number().int().min(1).max(60);
const count = z.number().int().min(1).max(1_000_000);
const minCalls = z.number().int().min(1).max(1_000_000);

/**
 * Each rule's overridable params: every field optional (a tenant overrides some), strict (a typo is a 400, not a
 * silently ignored setting). `severity` overrides the rule's default severity.
 */
const overrideSchemas = {
  failures_burst: z.strictObject({ windowMinutes: windowMinutes.optional(), threshold: count.optional(), severity: alertSeveritySchema.optional() }),
  error_rate: z.strictObject({
    windowMinutes: windowMinutes.optional(),
    /** A fraction: 0.1 = 10 %. */
    threshold: z.number().gt(0).lt(1).optional(),
    minCalls: minCalls.optional(),
    severity: alertSeveritySchema.optional(),
  }),
  avg_latency: z.strictObject({ windowMinutes: windowMinutes.optional(), thresholdMs: z.number().positive().max(3_600_000).optional(), minCalls: minCalls.optional(), severity: alertSeveritySchema.optional() }),
  auth_failures: z.strictObject({ windowMinutes: windowMinutes.optional(), threshold: count.optional(), severity: alertSeveritySchema.optional() }),
  breaker_open: z.strictObject({ windowMinutes: windowMinutes.optional(), severity: alertSeveritySchema.optional() }),
  rate_limited: z.strictObject({ windowMinutes: windowMinutes.optional(), threshold: count.optional(), severity: alertSeveritySchema.optional() }),
  reauth_required: z.strictObject({ severity: alertSeveritySchema.optional() }),
  dead_letters_growing: z.strictObject({ windowMinutes: windowMinutes.optional(), threshold: count.optional(), severity: alertSeveritySchema.optional() }),
} satisfies Record<AlertRuleName, z.ZodType>;

export type RuleOverrides<R extends AlertRuleName> = z.infer<(typeof overrideSchemas)[R]>;

/** Every param of every rule, resolved (defaults + a tenant's overrides). */
export interface RuleParams {
  windowMinutes: number;
  threshold: number;
  thresholdMs: number;
  minCalls: number;
  severity: AlertSeverity;
}

export interface RuleInfo {
  rule: AlertRuleName;
  description: string;
  /** The defaults of the params this rule reads (what `junction alerts rules` and GET /alert-rules show). */
  defaults: Readonly<Record<string, number | string>>;
}

/** Issue 15's rules and their default thresholds. */
export const RULES: Readonly<Record<AlertRuleName, RuleInfo>> = {
  failures_burst: { rule: 'failures_burst', description: 'failed calls per provider connection over the window > threshold', defaults: { windowMinutes: 5, threshold: 5, severity: 'warning' } },
  error_rate: {
    rule: 'error_rate',
    description: 'failed / total calls per provider connection over the window > threshold, with at least minCalls calls',
    defaults: { windowMinutes: 5, threshold: 0.1, minCalls: 10, severity: 'warning' },
  },
  avg_latency: {
    rule: 'avg_latency',
    description: 'average call latency per provider connection over the window > thresholdMs, with at least minCalls calls',
    defaults: { windowMinutes: 5, thresholdMs: 5_000, minCalls: 10, severity: 'warning' },
  },
  auth_failures: {
    rule: 'auth_failures',
    description: 'authentication failures (outcome auth) per provider connection over the window >= threshold',
    defaults: { windowMinutes: 5, threshold: 1, severity: 'critical' },
  },
  breaker_open: {
    rule: 'breaker_open',
    description: "the connection's circuit breaker is open (its latest call in the window); resolves once a call goes through again or the window has no calls",
    defaults: { windowMinutes: 5, severity: 'critical' },
  },
  rate_limited: {
    rule: 'rate_limited',
    description: 'provider rate-limit answers (outcome rate_limit) per provider connection over the window >= threshold',
    defaults: { windowMinutes: 5, threshold: 5, severity: 'warning' },
  },
  reauth_required: { rule: 'reauth_required', description: 'a connection needs re-authorization (status reauth_required)', defaults: { severity: 'critical' } },
  dead_letters_growing: {
    rule: 'dead_letters_growing',
    description: 'dead letters per subscription, not redriven, dead-lettered within the window >= threshold',
    defaults: { windowMinutes: 15, threshold: 10, severity: 'warning' },
  },
};

export const RULE_NAMES: readonly AlertRuleName[] = alertRuleNames;

export function isRuleName(value: string): value is AlertRuleName {
  return (alertRuleNames as readonly string[]).includes(value);
}

export type ParseOverrides = { ok: true; overrides: Record<string, unknown> } | { ok: false; message: string };

/** A tenant's overrides for `rule`, validated: only the keys given are kept (the rest follow the defaults). */
export function parseOverrides(rule: AlertRuleName, input: unknown): ParseOverrides {
  const parsed = overrideSchemas[rule].safeParse(input ?? {});
  if (!parsed.success) {
    return { ok: false, message: parsed.error.issues.map((i) => `params${i.path.length ? '.' + i.path.join('.') : ''}: ${i.message}`).join('; ') };
  }
  return { ok: true, overrides: Object.fromEntries(Object.entries(parsed.data).filter(([, v]) => v !== undefined)) };
}

/** Defaults + stored overrides. Stored params that no longer validate (a rule changed) fall back to the defaults. */
export function resolveParams(rule: AlertRuleName, stored: unknown): { params: RuleParams; invalid: boolean } {
  const parsed = parseOverrides(rule, stored);
  const base: RuleParams = { windowMinutes: 5, threshold: 0, thresholdMs: 0, minCalls: 1, severity: 'warning' };
  const params = { ...base, ...RULES[rule].defaults, ...(parsed.ok ? parsed.overrides : {}) } as RuleParams;
  return { params, invalid: !parsed.ok };
}

/** The largest window any of these params needs (what a round reads of metric_window and dead_letter). */
export function widestWindowMinutes(params: Iterable<RuleParams>): number {
  let widest = 1;
  for (const p of params) widest = Math.max(widest, p.windowMinutes);
  return widest;
}
