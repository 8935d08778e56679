import type { ParkedRowView } from '@junction/persistence';
import type { ApiKeyView, EndpointView } from '@junction/webhooks';
import type { RetentionReport } from '../../../batch-scheduler/src/retention/usecases/run-retention/run-retention.handler';

/** Plain-text views for people; --json prints the service's views unchanged. No secret ever reaches these. */
export function endpointDetails(view: EndpointView): string[] {
  const rows: Array<[string, string]> = [
    ['provider', view.provider],
    ['scheme', view.scheme + (Object.keys(view.schemeOptions).length > 0 ? ` ${JSON.stringify(view.schemeOptions)}` : '')],
    ['status', view.disabled ? 'disabled (deliveries are refused)' : 'enabled'],
    ['URL path', `POST ${view.url}  (on the webhook-ingress base URL)`],
    ['tolerance', `${view.toleranceSeconds} s past, ${view.futureToleranceSeconds} s future`],
    ['body limit', `${view.bodyLimitBytes} bytes`],
    ['rate limit', view.rateLimit ? `${view.rateLimit.perSecond}/s, burst ${view.rateLimit.burst}` : 'none'],
    ...(view.description ? [['description', view.description] as [string, string]] : []),
    ['routes', view.routes.length === 0 ? 'none' : view.routes.map((r) => `${r.name} (${r.eventTypes.join(', ')} → ${r.command})`).join('; ')],
    ['secrets', `${view.secrets.filter((s) => s.active).length} active of ${view.secrets.length}`],
  ];
  return [
    `Webhook endpoint ${view.id} (tenant ${view.tenantId})`,
    ...rows.map(([label, value]) => `  ${label.padEnd(12)} ${value}`),
    ...view.secrets.map((s) => `    ${s.id}  created ${iso(s.createdAt)}  ${s.active ? (s.expiresAt ? `active, expires ${iso(s.expiresAt)}` : 'active') : `expired ${iso(s.expiresAt)}`}`),
  ];
}

export function endpointTable(views: readonly EndpointView[]): string[] {
  if (views.length === 0) return ['No webhook endpoints yet: create one with `junction endpoints add`.'];
  return table(
    ['ID', 'PROVIDER', 'SCHEME', 'STATUS', 'SECRETS', 'ROUTES', 'URL PATH'],
    views.map((v) => [v.id, v.provider, v.scheme, v.disabled ? 'disabled' : 'enabled', String(v.secrets.filter((s) => s.active).length), String(v.routes.length), v.url]),
  );
}

export function apiKeyTable(views: readonly ApiKeyView[]): string[] {
  if (views.length === 0) return ['No API keys yet: create one with `junction api-keys create --name N --scope admin`.'];
  return table(
    ['ID', 'NAME', 'SCOPES', 'CREATED', 'LAST USED', 'STATUS'],
    views.map((v) => [v.id, v.name, v.scopes.join(','), iso(v.createdAt), v.lastUsedAt ? iso(v.lastUsedAt) : '-', v.revokedAt ? `revoked ${iso(v.revokedAt)}` : 'active']),
  );
}

export function apiKeyDetails(view: ApiKeyView): string[] {
  return [`  id      ${view.id}`, `  name    ${view.name}`, `  scopes  ${view.scopes.join(', ')}`, `  tenant  ${view.tenantId}`, ...(view.mcpTools.length > 0 ? [`  mcp     ${view.mcpTools.join(', ')}`] : []), `  status  ${view.revokedAt ? `revoked ${iso(view.revokedAt)}` : 'active'}`];
}

export function parkedOutboxTable(rows: readonly ParkedRowView[], total: number): string[] {
  if (total === 0) return ['No parked outbox rows: every row the relay took was published.'];
  return [
    ...table(
      ['ID', 'TYPE', 'TOPIC', 'REASON', 'ATTEMPTS', 'CREATED', 'PARKED', 'DETAIL'],
      rows.map((r) => [r.id, r.type, r.topic, r.reason, String(r.attempts), iso(r.createdAt), iso(r.parkedAt), r.description]),
    ),
    ...(total > rows.length ? [`… ${total - rows.length} more (--limit)`] : []),
    '',
    'Fix the cause (e.g. BUS_MAX_MESSAGE_BYTES, a missing topic), then `junction outbox redrive <id>` or `--all`.',
  ];
}

export function retentionReportTable(report: RetentionReport): string[] {
  const verb = report.dryRun ? 'would delete' : 'deleted';
  const rows = report.targets.map((t) => [t.target, t.days === 0 ? 'forever' : `${t.days} d`, iso(t.cutoff), String(t.rows), report.dryRun ? '-' : String(t.batches)]);
  const total = report.targets.reduce((sum, t) => sum + t.rows, 0);
  return [
    ...table(['TARGET', 'KEEP', 'OLDER THAN', verb.toUpperCase(), 'BATCHES'], rows),
    '',
    `${report.dryRun ? 'Dry run: would delete' : 'Deleted'} ${total} row(s) in ${report.tookMs} ms.`,
  ];
}

/** Columns padded to their widest cell, two spaces apart (the last column unpadded). */
export function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  return [line(header), ...rows.map(line)];
}

/** A timestamp to the second, `-` for none. */
export function iso(date: Date | string | null): string {
  return date === null ? '-' : new Date(date).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
