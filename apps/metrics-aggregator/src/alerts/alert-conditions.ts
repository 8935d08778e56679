import type { AlertRuleName, AlertSeverity } from '@junction/contracts';
import { windowStart } from '../windows/window-aggregate';
import type { RuleParams } from './alert-rules';

/** One 1-minute metric_window row, the columns the call rules read. */
export interface CallMinute {
  tenantId: string;
  provider: string;
  connection: string;
  operation: string;
  windowStart: Date;
  total: number;
  failed: number;
  latencySumMs: number;
  lastErrorCode: string | null;
  lastErrorAt: Date | null;
  lastSuccessAt: Date | null;
  breakerState: string | null;
}

export interface ReauthConnection {
  id: string;
  tenantId: string;
  name: string;
  typeSlug: string;
}

/** Open (not redriven) dead letters of one tenant and subscription dead-lettered in one minute. */
export interface DeadLetterMinute {
  tenantId: string;
  subscription: string;
  minute: Date;
  count: number;
}

/** What one round reads; every list already narrowed to one tenant when handed to `evaluateRule`. */
export interface TenantSignals {
  calls: readonly CallMinute[];
  reauth: readonly ReauthConnection[];
  deadLetters: readonly DeadLetterMinute[];
}

/** A rule that is true for a subject now. */
export interface Finding {
  rule: AlertRuleName;
  subject: string;
  severity: AlertSeverity;
  summary: string;
  value: number | null;
  threshold: number | null;
  labels: Record<string, string>;
}

/** The minutes a window of `minutes` covers at `now`: the current (partial) minute and the minutes − 1 before it. */
export function windowFrom(now: Date, minutes: number): Date {
  return new Date(windowStart(now, '1m').getTime() - (minutes - 1) * 60_000);
}

interface ConnectionWindow {
  provider: string;
  connection: string;
  total: number;
  failed: number;
  latencySumMs: number;
  /** Failures in minutes (per operation) whose latest failure was of the class: metric_window keeps no count per class. */
  failedByLastClass: Map<string, number>;
  /** The breaker state of the connection's latest call in the window, and when it was. */
  latestAt: number;
  latestBreaker: string | null;
}

/** Per provider + connection, the minutes of [now − window, now] summed over operations. */
function connectionWindows(calls: readonly CallMinute[], now: Date, minutes: number): ConnectionWindow[] {
  const from = windowFrom(now, minutes).getTime();
  const byKey = new Map<string, ConnectionWindow>();
  for (const c of calls) {
    const at = c.windowStart.getTime();
    if (at < from || at > now.getTime()) continue;
    const key = JSON.stringify([c.provider, c.connection]);
    const w = byKey.get(key) ?? { provider: c.provider, connection: c.connection, total: 0, failed: 0, latencySumMs: 0, failedByLastClass: new Map(), latestAt: -1, latestBreaker: null };
    w.total += c.total;
    w.failed += c.failed;
    w.latencySumMs += c.latencySumMs;
    if (c.lastErrorCode && c.failed > 0) w.failedByLastClass.set(c.lastErrorCode, (w.failedByLastClass.get(c.lastErrorCode) ?? 0) + c.failed);
    // A row's latest call is its latest success or latest error, whichever is later: the one its breakerState is from.
    const latest = Math.max(c.lastErrorAt?.getTime() ?? -1, c.lastSuccessAt?.getTime() ?? -1);
    if (latest >= w.latestAt) {
      w.latestAt = latest;
      w.latestBreaker = c.breakerState;
    }
    byKey.set(key, w);
  }
  return [...byKey.values()];
}

const round = (n: number, digits = 3) => Math.round(n * 10 ** digits) / 10 ** digits;
const pct = (fraction: number) => `${round(fraction * 100, 1)} %`;

/** Every subject `rule` is true for in one tenant's signals, with the tenant's params. */
export function evaluateRule(rule: AlertRuleName, p: RuleParams, signals: TenantSignals, now: Date): Finding[] {
  const finding = (subject: string, summary: string, value: number | null, threshold: number | null, labels: Record<string, string>): Finding => ({
    rule,
    subject,
    severity: p.severity,
    summary,
    value,
    threshold,
    labels,
  });
  const perConnection = (test: (w: ConnectionWindow) => { value: number; summary: string } | undefined, threshold: number | null): Finding[] =>
    connectionWindows(signals.calls, now, p.windowMinutes).flatMap((w) => {
      const hit = test(w);
      const subject = `${w.provider}/${w.connection}`;
      return hit ? [finding(subject, `${subject}: ${hit.summary}`, hit.value, threshold, { provider: w.provider, connection: w.connection, windowMinutes: String(p.windowMinutes) })] : [];
    });
  const last = `in the last ${p.windowMinutes} min`;

  switch (rule) {
    case 'failures_burst':
      return perConnection((w) => (w.failed > p.threshold ? { value: w.failed, summary: `${w.failed} failed calls ${last} (more than ${p.threshold})` } : undefined), p.threshold);
    case 'error_rate':
      return perConnection((w) => {
        const rate = w.total === 0 ? 0 : w.failed / w.total;
        return w.total >= p.minCalls && rate > p.threshold ? { value: round(rate, 4), summary: `error rate ${pct(rate)} of ${w.total} calls ${last} (above ${pct(p.threshold)})` } : undefined;
      }, p.threshold);
    case 'avg_latency':
      return perConnection((w) => {
        const avg = w.total === 0 ? 0 : w.latencySumMs / w.total;
        return w.total >= p.minCalls && avg > p.thresholdMs ? { value: round(avg, 1), summary: `average latency ${Math.round(avg)} ms over ${w.total} calls ${last} (above ${p.thresholdMs} ms)` } : undefined;
      }, p.thresholdMs);
    case 'auth_failures':
      return perConnection((w) => {
        const n = w.failedByLastClass.get('auth') ?? 0;
        return n >= p.threshold ? { value: n, summary: `${n} authentication failure(s) ${last}: check the connection's credentials` } : undefined;
      }, p.threshold);
    case 'rate_limited':
      return perConnection((w) => {
        const n = w.failedByLastClass.get('rate_limit') ?? 0;
        return n >= p.threshold ? { value: n, summary: `${n} rate-limited call(s) ${last} (at least ${p.threshold})` } : undefined;
      }, p.threshold);
    case 'breaker_open':
      return perConnection(
        (w) => (w.latestBreaker === 'open' ? { value: w.failedByLastClass.get('circuit_open') ?? 0, summary: `circuit breaker open: calls fail fast (latest call ${new Date(w.latestAt).toISOString()})` } : undefined),
        null,
      );
    case 'reauth_required':
      return signals.reauth.map((c) =>
        finding(c.id, `connection ${c.name} (${c.typeSlug}) needs re-authorization: nothing calls the provider through it until it is reconnected`, null, null, {
          connectionId: c.id,
          connection: c.name,
          provider: c.typeSlug,
        }),
      );
    case 'dead_letters_growing': {
      const from = windowFrom(now, p.windowMinutes).getTime();
      const bySubscription = new Map<string, number>();
      for (const d of signals.deadLetters) {
        if (d.minute.getTime() < from || d.minute.getTime() > now.getTime()) continue;
        bySubscription.set(d.subscription, (bySubscription.get(d.subscription) ?? 0) + d.count);
      }
      return [...bySubscription.entries()]
        .filter(([, n]) => n >= p.threshold)
        .map(([subscription, n]) =>
          finding(subscription, `${n} new dead letters on ${subscription} ${last}, not redriven (at least ${p.threshold})`, n, p.threshold, { subscription, windowMinutes: String(p.windowMinutes) }),
        );
    }
  }
}
