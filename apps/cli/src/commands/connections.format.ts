import type { ConnectionHealthOverview, ConnectionHealthView, ConnectionLogsView, ConnectionTestResult, ConnectionView, IntegrationTypeView } from '@junction/integrations';
import { iso, table } from './output.format';

/** Plain-text views of connections for people; --json prints the service's views. No credential reaches these. */
export function connectionDetails(view: ConnectionView): string[] {
  const rows: Array<[string, string]> = [
    ['type', view.type],
    ['auth', view.authMethod],
    ['status', view.status + (view.lastError ? ` (${view.lastError.code}: ${view.lastError.message})` : '')],
    ['default', view.isDefault ? 'yes' : 'no'],
    ['config', JSON.stringify(view.config)],
    ['credential', view.hasCredential ? `stored${view.credentialExpiresAt ? `, expires ${iso(view.credentialExpiresAt)}` : ''}${view.credentialRotatedAt ? `, rotated ${iso(view.credentialRotatedAt)}` : ''}` : 'none'],
    ['last tested', iso(view.lastTestedAt)],
    ['connected', iso(view.connectedAt)],
  ];
  return [`Connection ${view.name} ${view.id} (tenant ${view.tenantId})`, ...rows.map(([label, value]) => `  ${label.padEnd(12)} ${value}`)];
}

export function connectionTable(views: readonly ConnectionView[]): string[] {
  if (views.length === 0) return ['No connections yet: create one with `junction connections add --type T --name N`.'];
  return table(
    ['ID', 'NAME', 'TYPE', 'AUTH', 'STATUS', 'DEFAULT', 'LAST TESTED'],
    views.map((v) => [v.id, v.name, v.type, v.authMethod, v.status, v.isDefault ? 'yes' : '', iso(v.lastTestedAt)]),
  );
}

export function testLines(result: ConnectionTestResult): string[] {
  return [
    `${result.ok ? 'OK' : `FAILED (${result.errorClass ?? 'unknown'})`} in ${result.latencyMs} ms: ${result.message}`,
    ...(result.capabilities.length > 0 ? [`  capabilities: ${result.capabilities.join(', ')}`] : []),
  ];
}

export function logLines(logs: ConnectionLogsView): string[] {
  if (logs.items.length === 0) return ['No events.'];
  return [
    ...table(['WHEN', 'EVENT', 'ACTOR', 'DETAIL'], logs.items.map((e) => [iso(e.occurredAt), e.type, e.actor, JSON.stringify(e.detail)])),
    ...(logs.nextBefore ? [`… older: --before ${new Date(logs.nextBefore).toISOString()}`] : []),
  ];
}

export function healthLines(health: ConnectionHealthView): string[] {
  const s = health.summary;
  const status = [
    `Health: ${health.status.status}${health.status.since ? ` since ${iso(health.status.since)}` : ''}`,
    ...health.status.reasons.map((r) => `  ${r.code}: ${r.message}`),
  ];
  const summary =
    s.checks === 0
      ? 'No checks yet: junction connections test <id>.'
      : `${s.checks} checks, ${s.ok} ok, uptime ${((s.uptimeRatio ?? 0) * 100).toFixed(1)}%, latency p50 ${s.p50LatencyMs ?? '-'} ms, p95 ${s.p95LatencyMs ?? '-'} ms`;
  return [...status, summary, ...(s.checks === 0 ? [] : table(['WHEN', 'RESULT', 'MS', 'MESSAGE'], health.items.map((h) => [iso(h.checkedAt), h.ok ? 'ok' : (h.errorClass ?? 'failed'), String(h.latencyMs), h.message])))];
}

export function healthTable(rows: readonly ConnectionHealthOverview[]): string[] {
  if (rows.length === 0) return ['No connections yet: create one with `junction connections add --type T --name N`.'];
  return table(
    ['ID', 'NAME', 'TYPE', 'STATUS', 'HEALTH', 'SINCE', 'REASONS'],
    rows.map((r) => [r.id, r.name, r.type, r.status, r.health.status, iso(r.health.since), r.health.reasons.map((reason) => reason.code).join(',')]),
  );
}

export function integrationTypeTable(types: readonly IntegrationTypeView[]): string[] {
  if (types.length === 0) return ['No integration type matches.'];
  return table(['SLUG', 'KIND', 'CATEGORY', 'AUTH', 'NAME'], types.map((t) => [t.slug, t.kind, t.category, t.authMethods.join(','), t.name]));
}
