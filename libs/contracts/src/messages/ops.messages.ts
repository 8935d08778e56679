import { z } from 'zod';
import { Topics } from '../topics/topics';
import { defineMessage } from './define-message';

/** The alert rules metrics-aggregator evaluates (apps/metrics-aggregator/src/alerts). A stored value: renaming one needs a migration. */
export const alertRuleNames = [
  'failures_burst',
  'error_rate',
  'avg_latency',
  'auth_failures',
  'breaker_open',
  'rate_limited',
  'reauth_required',
  'dead_letters_growing',
] as const;
export const alertRuleNameSchema = z.enum(alertRuleNames);
export type AlertRuleName = z.infer<typeof alertRuleNameSchema>;

export const alertSeveritySchema = z.enum(['warning', 'critical']);
export type AlertSeverity = z.infer<typeof alertSeveritySchema>;

/** What both transitions of an alert say about it. Never a secret: subjects are ids and provider/connection keys. */
const alertFields = {
  alertId: z.uuid(),
  rule: alertRuleNameSchema,
  /** What the alert is about: `provider/connection`, a connection id, a subscription. */
  subject: z.string().min(1).max(500),
  severity: alertSeveritySchema,
  summary: z.string().min(1).max(1_000),
  /** The measured value and the threshold it crossed, when the rule has numbers. */
  value: z.number().nullable(),
  threshold: z.number().nullable(),
  labels: z.record(z.string(), z.string()),
  firedAt: z.iso.datetime({ offset: true }),
};

/** An alert rule became true for a subject: fired once per episode (dedupe by rule + subject). */
export const opsAlertFired = defineMessage({
  type: 'ops.alert.fired',
  kind: 'event',
  topic: Topics.opsAlerts,
  version: 1,
  payload: z.strictObject(alertFields),
  // Fired and resolved of one alert in order.
  entityKey: (payload) => `alert:${payload.alertId}`,
});

/** The alert's condition is false again (or its rule was disabled): the episode is over. */
export const opsAlertResolved = defineMessage({
  type: 'ops.alert.resolved',
  kind: 'event',
  topic: Topics.opsAlerts,
  version: 1,
  payload: z.strictObject({ ...alertFields, resolvedAt: z.iso.datetime({ offset: true }) }),
  entityKey: (payload) => `alert:${payload.alertId}`,
});
