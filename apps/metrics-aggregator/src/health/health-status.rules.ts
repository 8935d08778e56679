/**
 * The health status of a connection, from its latest checks (scheduled or manual connection tests) and its metric
 * windows of the last few minutes. A pure function: the scheduler evaluates it after each check, the tests pin it.
 *
 * - unknown: never checked (no connection_health row), unless re-authorization is required.
 * - down: re-authorization required (connection.status reauth_required); or the latest check failed on
 *   authentication; or the last `downAfterFailures` checks all failed.
 * - degraded: the latest check failed (once); or it passed slower than `slowCheckMs`; or the windows (with at least
 *   `windowMinCalls` calls) show an error rate above `errorRateThreshold` or an average latency above `latencyThresholdMs`.
 * - healthy: none of the above.
 *
 * Every rule that holds is a reason (a down connection also lists its degraded reasons); the status is the worst.
 */
export const HealthStatuses = ['healthy', 'degraded', 'down', 'unknown'] as const;
export type HealthStatus = (typeof HealthStatuses)[number];

/** Stable codes (alerts and dashboards may match on them); renaming one is a breaking change. */
export type HealthReasonCode = 'NEVER_CHECKED' | 'REAUTH_REQUIRED' | 'AUTH_FAILED' | 'CHECKS_FAILING' | 'CHECK_FAILED' | 'SLOW_CHECK' | 'HIGH_ERROR_RATE' | 'HIGH_LATENCY';

export interface HealthReason {
  code: HealthReasonCode;
  message: string;
}

export interface HealthThresholds {
  /** Consecutive failed checks that make a connection down (≥ 1). */
  downAfterFailures: number;
  /** A passing check slower than this degrades the connection. */
  slowCheckMs: number;
  /** Failed / total calls of the windows above this (0..1) degrade it. */
  errorRateThreshold: number;
  /** Average call latency of the windows above this degrades it. */
  latencyThresholdMs: number;
  /** Windows with fewer calls than this are not judged (one failed call of one is not a 100 % error rate worth paging on). */
  windowMinCalls: number;
}

export interface CheckSample {
  ok: boolean;
  latencyMs: number;
  errorClass: string | null;
  message: string | null;
}

export interface WindowStats {
  total: number;
  failed: number;
  latencySumMs: number;
}

export interface HealthInput {
  /** The connection's status (configuring | connected | error | disconnected | reauth_required). */
  connectionStatus: string;
  /** Newest first; at least `downAfterFailures` of them when there are that many. */
  checks: readonly CheckSample[];
  windows: WindowStats;
}

export interface HealthEvaluation {
  status: HealthStatus;
  reasons: HealthReason[];
}

export function evaluateHealth(input: HealthInput, t: HealthThresholds): HealthEvaluation {
  const down: HealthReason[] = [];
  const degraded: HealthReason[] = [];
  if (input.connectionStatus === 'reauth_required') down.push({ code: 'REAUTH_REQUIRED', message: 'the connection must be re-authorized' });

  const [latest] = input.checks;
  if (!latest) return down.length > 0 ? { status: 'down', reasons: down } : { status: 'unknown', reasons: [{ code: 'NEVER_CHECKED', message: 'no connection test has run yet' }] };

  if (!latest.ok && latest.errorClass === 'auth') down.push({ code: 'AUTH_FAILED', message: `authentication failed: ${latest.message ?? 'the credentials were rejected'}` });
  const streak = Math.max(1, t.downAfterFailures);
  const recent = input.checks.slice(0, streak);
  if (recent.length === streak && recent.every((c) => !c.ok)) {
    down.push({ code: 'CHECKS_FAILING', message: `the last ${streak} checks failed (latest: ${describeFailure(latest)})` });
  } else if (!latest.ok) {
    degraded.push({ code: 'CHECK_FAILED', message: `the latest check failed (${describeFailure(latest)})` });
  }
  if (latest.ok && latest.latencyMs > t.slowCheckMs) degraded.push({ code: 'SLOW_CHECK', message: `the latest check took ${latest.latencyMs} ms (threshold ${t.slowCheckMs} ms)` });

  const w = input.windows;
  if (w.total >= Math.max(1, t.windowMinCalls)) {
    const errorRate = w.failed / w.total;
    if (errorRate > t.errorRateThreshold) {
      degraded.push({ code: 'HIGH_ERROR_RATE', message: `${pct(errorRate)} of ${w.total} recent calls failed (threshold ${pct(t.errorRateThreshold)})` });
    }
    const avg = w.latencySumMs / w.total;
    if (avg > t.latencyThresholdMs) degraded.push({ code: 'HIGH_LATENCY', message: `recent calls took ${Math.round(avg)} ms on average (threshold ${t.latencyThresholdMs} ms)` });
  }

  if (down.length > 0) return { status: 'down', reasons: [...down, ...degraded] };
  if (degraded.length > 0) return { status: 'degraded', reasons: degraded };
  return { status: 'healthy', reasons: [] };
}

/** Whether a new evaluation is worth a health_changed event: another status, or another set of reasons. */
export function healthChanged(before: { status: string; codes: readonly string[] }, after: HealthEvaluation): boolean {
  if (before.status !== after.status) return true;
  const a = [...before.codes].sort().join(',');
  const b = after.reasons.map((r) => r.code).sort().join(',');
  return a !== b;
}

function describeFailure(check: CheckSample): string {
  return `${check.errorClass ?? 'failed'}${check.message ? `: ${check.message}` : ''}`;
}

function pct(ratio: number): string {
  return `${(ratio * 100).toFixed(1)} %`;
}
