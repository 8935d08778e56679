import type { Alert } from '@junction/persistence';

/** Which transition of an alert a delivery announces (alert_delivery.event). */
export type AlertEvent = 'fired' | 'resolved';

/** What a delivery says about its alert: the row without its dedupe key. */
export type AlertSnapshot = Pick<Alert, 'id' | 'tenantId' | 'rule' | 'subject' | 'status' | 'severity' | 'summary' | 'value' | 'threshold' | 'labels' | 'firedAt' | 'resolvedAt'>;

/** The Standard Webhooks payload shape: `{ type, timestamp, data }`. */
export interface WebhookPayload {
  type: 'ops.alert.fired' | 'ops.alert.resolved' | 'ops.alert.test';
  timestamp: string;
  data: Record<string, unknown>;
}

export interface SlackPayload {
  text: string;
  blocks: Record<string, unknown>[];
}

/**
 * The webhook body of one transition. `timestamp` is when it happened (fired or resolved at), not when this attempt
 * was sent: a retry carries the same body, so the receiver can dedupe on webhook-id and order by timestamp.
 */
export function webhookPayload(event: AlertEvent, alert: AlertSnapshot): WebhookPayload {
  const at = event === 'resolved' ? (alert.resolvedAt ?? alert.firedAt) : alert.firedAt;
  return {
    type: event === 'fired' ? 'ops.alert.fired' : 'ops.alert.resolved',
    timestamp: at.toISOString(),
    data: {
      alert: {
        id: alert.id,
        tenantId: alert.tenantId,
        rule: alert.rule,
        subject: alert.subject,
        status: alert.status,
        severity: alert.severity,
        summary: alert.summary,
        value: alert.value,
        threshold: alert.threshold,
        labels: alert.labels ?? {},
        firedAt: alert.firedAt.toISOString(),
        resolvedAt: alert.resolvedAt?.toISOString() ?? null,
      },
    },
  };
}

/** `junction alert-channels test` / POST …/test: says which channel it came through, nothing else. */
export function webhookTestPayload(channel: { id: string; name: string }, at: Date): WebhookPayload {
  return { type: 'ops.alert.test', timestamp: at.toISOString(), data: { channel: { id: channel.id, name: channel.name }, message: 'Test message from Junction: this channel receives alerts.' } };
}

export function slackTestMessage(channel: { name: string }): SlackPayload {
  const text = `🔔 Test message from Junction: the alert channel “${escapeMrkdwn(channel.name)}” posts here.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}

/**
 * A Slack message for one transition: `text` is the notification and fallback line, `blocks` the card (header, the
 * figures as fields, a context line). Everything that comes from a rule or a subject is escaped (&, <, >), so a
 * subject such as `<!channel>` cannot ping a whole channel or forge a link.
 */
export function slackMessage(event: AlertEvent, alert: AlertSnapshot): SlackPayload {
  const marker = event === 'fired' ? (alert.severity === 'critical' ? '🔥' : '⚠️') : '✅';
  const state = event === 'fired' ? 'FIRING' : 'RESOLVED';
  const summary = escapeMrkdwn(alert.summary);
  const text = `${marker} [${alert.severity.toUpperCase()}] ${state}: ${escapeMrkdwn(alert.rule)} on ${escapeMrkdwn(alert.subject)}: ${summary}`;
  const fields = [
    field('Rule', `\`${escapeMrkdwn(alert.rule)}\``),
    field('Severity', escapeMrkdwn(alert.severity)),
    field('Subject', escapeMrkdwn(alert.subject)),
    field('Value', valueText(alert)),
    field('Fired', slackDate(alert.firedAt)),
    ...(event === 'resolved' && alert.resolvedAt ? [field('Resolved', slackDate(alert.resolvedAt))] : []),
  ];
  return {
    text,
    blocks: [
      { type: 'header', text: { type: 'plain_text', text: truncate(`${marker} ${state}: ${alert.summary}`, 150), emoji: true } },
      { type: 'section', fields },
      { type: 'context', elements: [{ type: 'mrkdwn', text: `Junction · tenant ${escapeMrkdwn(alert.tenantId)} · alert ${alert.id}` }] },
    ],
  };
}

/** Slack mrkdwn control characters (https://api.slack.com/reference/surfaces/formatting#escaping). */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function field(label: string, value: string): Record<string, unknown> {
  return { type: 'mrkdwn', text: `*${label}*\n${value}` };
}

function valueText(alert: Pick<AlertSnapshot, 'value' | 'threshold'>): string {
  if (alert.value === null && alert.threshold === null) return '—';
  const value = alert.value === null ? '—' : number(alert.value);
  return alert.threshold === null ? value : `${value} (threshold ${number(alert.threshold)})`;
}

function number(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}

/** Shown in the reader's own time zone by Slack; the fallback after `|` is UTC. */
function slackDate(at: Date): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^{date_short_pretty} {time_secs}|${at.toISOString().replace('.000Z', 'Z')}>`;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
