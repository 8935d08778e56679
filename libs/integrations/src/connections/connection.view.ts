import type { Connection, ConnectionEvent, ConnectionHealth, ConnectionWithCredential } from '@junction/persistence';
import type { AuthMethod, ConnectionStatus, ConnectionTestResult, ProbeErrorClass } from './connection.types';

/** A connection as the admin API and CLI show it. Never the credential: only whether there is one and its dates. */
export interface ConnectionView {
  id: string;
  tenantId: string;
  type: string;
  name: string;
  authMethod: AuthMethod;
  config: Record<string, unknown>;
  status: ConnectionStatus;
  isDefault: boolean;
  hasCredential: boolean;
  credentialExpiresAt: Date | null;
  credentialRotatedAt: Date | null;
  lastTestedAt: Date | null;
  lastError: { code: string; message: string } | null;
  connectedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toConnectionView(row: ConnectionWithCredential): ConnectionView {
  return {
    id: row.id,
    tenantId: row.tenantId,
    type: row.typeSlug,
    name: row.name,
    authMethod: row.authMethod as AuthMethod,
    config: row.config as Record<string, unknown>,
    status: row.status as ConnectionStatus,
    isDefault: row.isDefault,
    hasCredential: row.credentialId !== null,
    credentialExpiresAt: row.credential?.expiresAt ?? null,
    credentialRotatedAt: row.credentialRotatedAt,
    lastTestedAt: row.lastTestedAt,
    lastError: (row.lastError as ConnectionView['lastError']) ?? null,
    connectedAt: row.connectedAt,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

export interface ConnectionEventView {
  id: string;
  type: string;
  actor: string;
  detail: Record<string, unknown>;
  occurredAt: Date;
}

export interface ConnectionLogsView {
  items: ConnectionEventView[];
  /** Pass as `before` for the next (older) page; null on the last page. */
  nextBefore: Date | null;
}

export function toLogsView(rows: readonly ConnectionEvent[], limit: number): ConnectionLogsView {
  return {
    items: rows.map((r) => ({ id: r.id, type: r.type, actor: r.actor, detail: r.detail as Record<string, unknown>, occurredAt: r.occurredAt })),
    nextBefore: rows.length === limit ? (rows.at(-1)?.occurredAt ?? null) : null,
  };
}

export interface HealthCheckView extends ConnectionTestResult {
  id: string;
  checkedAt: Date;
}

export interface HealthSummary {
  checks: number;
  ok: number;
  failed: number;
  /** ok / checks over the returned window; null without checks. */
  uptimeRatio: number | null;
  /** Latency percentiles of the successful checks in the window (failures are mostly timeouts); null without any. */
  p50LatencyMs: number | null;
  p95LatencyMs: number | null;
  /** Oldest and newest check of the window. */
  from: Date | null;
  to: Date | null;
}

/**
 * The health status metrics-aggregator's scheduled checks keep (healthy | degraded | down | unknown), since when, and
 * why: the reasons of its latest health_changed event.
 */
export interface HealthStatusView {
  status: string;
  since: Date | null;
  reasons: Array<{ code: string; message: string }>;
}

/** One line of `junction connections health`: a connection with its health status. */
export interface ConnectionHealthOverview {
  id: string;
  name: string;
  type: string;
  status: ConnectionStatus;
  lastTestedAt: Date | null;
  health: HealthStatusView;
}

export interface ConnectionHealthView {
  status: HealthStatusView;
  items: HealthCheckView[];
  summary: HealthSummary;
}

/** The status part of the health view from the connection row and its latest health_changed event (if any). */
export function toHealthStatusView(row: Pick<Connection, 'healthStatus' | 'healthStatusAt'>, lastChange: Pick<ConnectionEvent, 'detail'> | null): HealthStatusView {
  const reasons = (lastChange?.detail as { reasons?: unknown } | undefined)?.reasons;
  return {
    status: row.healthStatus,
    since: row.healthStatusAt,
    reasons: Array.isArray(reasons) ? reasons.filter((r): r is { code: string; message: string } => typeof (r as { code?: unknown })?.code === 'string').map((r) => ({ code: r.code, message: String(r.message ?? '') })) : [],
  };
}

export function toHealthView(rows: readonly ConnectionHealth[], status: HealthStatusView = { status: 'unknown', since: null, reasons: [] }): ConnectionHealthView {
  const items = rows.map((r) => ({
    id: r.id,
    ok: r.ok,
    latencyMs: r.latencyMs,
    capabilities: r.capabilities as string[],
    errorClass: (r.errorClass as ProbeErrorClass | null) ?? null,
    message: r.message ?? '',
    checkedAt: r.checkedAt,
  }));
  const okLatencies = items.filter((i) => i.ok).map((i) => i.latencyMs);
  return {
    status,
    items,
    summary: {
      checks: items.length,
      ok: okLatencies.length,
      failed: items.length - okLatencies.length,
      uptimeRatio: items.length === 0 ? null : okLatencies.length / items.length,
      p50LatencyMs: percentile(okLatencies, 0.5),
      p95LatencyMs: percentile(okLatencies, 0.95),
      from: items.at(-1)?.checkedAt ?? null,
      to: items[0]?.checkedAt ?? null,
    },
  };
}

/** Nearest-rank percentile (a value that was measured, never an interpolation). */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}
