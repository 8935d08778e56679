/**
 * npm run render:metrics-dashboard — the picture of deploy/grafana/junction-integrations.json's panels in
 * docs/images/junction-integrations.png, drawn from real metric_window rows: 30 minutes of synthetic provider calls
 * (an ERPNext outage with its breaker opening, a Reddit rate-limit spell) go through metrics-aggregator's batch writer
 * into a test database, and each panel shows per minute what its PromQL shows per scrape (the same windows, sketches
 * merged per provider). Not a Grafana screenshot (no Grafana here). Needs rsvg-convert (Debian librsvg2-bin) for the PNG; without it only the SVG
 * (bench/results/junction-integrations.svg) is written.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestDatabase } from '@junction/testing';
import { callRecord, latencies } from '../../apps/metrics-aggregator/src/testing/call-records.fixture';
import { quantile } from '../../apps/metrics-aggregator/src/windows/latency-sketch';
import { MetricWindowRepository } from '../../apps/metrics-aggregator/src/windows/metric-window.repository';
import { RecordCallBatchHandler, type CallRecordedMessage } from '../../apps/metrics-aggregator/src/windows/usecases/record-call-batch/record-call-batch.handler';
import { fromRow, mergeInto, type WindowState } from '../../apps/metrics-aggregator/src/windows/window-aggregate';

const START = Date.parse('2026-01-01T10:00:00Z');
const MINUTES = 30;
const PROVIDERS = [
  { provider: 'erpnext', connection: 'erp-main', perMinute: 120, scale: 1, color: '#73bf69' },
  { provider: 'crm', connection: 'crm-main', perMinute: 60, scale: 0.6, color: '#5794f2' },
  { provider: 'linkedin', connection: 'li-org', perMinute: 12, scale: 2, color: '#b877d9' },
  { provider: 'reddit', connection: 'reddit-app', perMinute: 90, scale: 0.8, color: '#ff9830' },
];

function traffic(): CallRecordedMessage[] {
  const out: CallRecordedMessage[] = [];
  PROVIDERS.forEach((p, pi) => {
    for (let m = 0; m < MINUTES; m++) {
      const outage = p.provider === 'erpnext' && m >= 12 && m < 18;
      const open = outage && m >= 14 && m < 17;
      const limited = p.provider === 'reddit' && m >= 20 && m < 25;
      latencies(p.perMinute, 1_000 * pi + m).forEach((ms, i) => {
        const occurredAt = new Date(START + m * 60_000 + Math.floor((i / p.perMinute) * 60_000)).toISOString();
        const base = { provider: p.provider, connection: p.connection, operation: ['list', 'get', 'create'][i % 3]!, occurredAt, latencyMs: ms * p.scale * (outage ? 4 : 1) };
        if (open && i % 10 !== 0) out.push(callRecord('demo', { ...base, latencyMs: 0.2, outcome: 'circuit_open', breakerState: 'open' }));
        else if (outage && i % 5 < 2) out.push(callRecord('demo', { ...base, outcome: 'server', httpStatus: 503, breakerState: open ? 'half-open' : 'closed' }));
        else if (limited && i % 7 === 0) out.push(callRecord('demo', { ...base, outcome: 'rate_limit', httpStatus: 429 }));
        else out.push(callRecord('demo', { ...base, breakerState: open ? 'half-open' : 'closed' }));
      });
    }
  });
  return out;
}

type Series = { name: string; color: string; points: (number | null)[] };

function panel(title: string, series: Series[], x: number, y: number, w: number, h: number, fmt: (v: number) => string): string {
  const pad = { l: 56, r: 12, t: 28, b: 40 };
  const values = series.flatMap((s) => s.points.filter((v): v is number => v !== null));
  const max = Math.max(1e-9, ...values) * 1.1;
  const px = (i: number) => x + pad.l + (i / (MINUTES - 1)) * (w - pad.l - pad.r);
  const py = (v: number) => y + h - pad.b - (v / max) * (h - pad.t - pad.b);
  const grid = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => `<line x1="${x + pad.l}" x2="${x + w - pad.r}" y1="${py(f * max)}" y2="${py(f * max)}" stroke="#2c3235"/><text x="${x + pad.l - 6}" y="${py(f * max) + 4}" fill="#8e8e8e" font-size="10" text-anchor="end">${fmt(f * max)}</text>`)
    .join('');
  const ticks = [0, 10, 20, 29].map((m) => `<text x="${px(m)}" y="${y + h - pad.b + 14}" fill="#8e8e8e" font-size="10" text-anchor="${m === 29 ? 'end' : 'middle'}">10:${String(m).padStart(2, '0')}</text>`).join('');
  const lines = series
    .map((s) => {
      const d = s.points.map((v, i) => (v === null ? '' : `${px(i).toFixed(1)},${py(v).toFixed(1)}`)).filter(Boolean).join(' ');
      return `<polyline points="${d}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`;
    })
    .join('');
  const legend = series.map((s, i) => `<rect x="${x + pad.l + i * 96}" y="${y + h - 16}" width="10" height="3" fill="${s.color}"/><text x="${x + pad.l + i * 96 + 14}" y="${y + h - 11}" fill="#ccccdc" font-size="10">${s.name}</text>`).join('');
  return `<g><rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#181b1f" stroke="#2c3235"/><text x="${x + 10}" y="${y + 18}" fill="#ccccdc" font-size="13" font-weight="bold">${title}</text>${grid}${ticks}${lines}${legend}</g>`;
}

function breakerPanel(byProvider: Map<string, (WindowState | undefined)[]>, x: number, y: number, w: number, h: number): string {
  const colors: Record<string, string> = { closed: '#73bf69', 'half-open': '#ff9830', open: '#f2495c' };
  const rowH = (h - 50) / PROVIDERS.length;
  const cellW = (w - 120 - 12) / MINUTES;
  const rows = PROVIDERS.map((p, r) => {
    const cells = (byProvider.get(p.provider) ?? []).map((s, m) => `<rect x="${x + 120 + m * cellW}" y="${y + 30 + r * rowH}" width="${cellW + 0.5}" height="${rowH - 4}" fill="${colors[s?.breakerState ?? 'closed']}"/>`).join('');
    return `<text x="${x + 10}" y="${y + 30 + r * rowH + rowH / 2 + 2}" fill="#ccccdc" font-size="11">${p.provider} ${p.connection}</text>${cells}`;
  }).join('');
  return `<g><rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#181b1f" stroke="#2c3235"/><text x="${x + 10}" y="${y + 18}" fill="#ccccdc" font-size="13" font-weight="bold">Circuit breaker state (green closed, orange half-open, red open)</text>${rows}</g>`;
}

async function main() {
  const db = await createTestDatabase();
  try {
    const repo = new MetricWindowRepository(db.prisma);
    const handler = new RecordCallBatchHandler(repo, 'render');
    const records = traffic();
    for (let i = 0; i < records.length; i += 200) await handler.execute(records.slice(i, i + 200));
    const rows = await repo.find({ tenantId: 'demo', windowSize: '1m', from: new Date(START), to: new Date(START + MINUTES * 60_000), limit: 5_000 });
    // Per provider and minute: the minute's windows (one per operation) merged, as max by key + sum by provider does.
    const byProvider = new Map<string, (WindowState | undefined)[]>();
    for (const row of rows) {
      const list = byProvider.get(row.provider) ?? Array.from({ length: MINUTES }, () => undefined);
      const m = Math.round((row.windowStart.getTime() - START) / 60_000);
      list[m] = list[m] ? mergeInto(list[m]!, fromRow(row)) : fromRow(row);
      byProvider.set(row.provider, list);
    }
    const series = (f: (s: WindowState) => number) => PROVIDERS.map((p) => ({ name: p.provider, color: p.color, points: (byProvider.get(p.provider) ?? []).map((s) => (s ? f(s) : null)) }));
    const W = 1200;
    const H = 250;
    const body = [
      panel('Calls/s by provider', series((s) => s.total / 60), 0, 40, W / 2, H, (v) => v.toFixed(1)),
      panel('Error rate by provider', series((s) => s.failed / s.total), W / 2, 40, W / 2, H, (v) => `${(v * 100).toFixed(0)}%`),
      panel('p95 latency by provider (ms)', series((s) => quantile(s.sketch, 0.95)), 0, 40 + H, W / 2, H, (v) => v.toFixed(0)),
      panel('p99 latency by provider (ms)', series((s) => quantile(s.sketch, 0.99)), W / 2, 40 + H, W / 2, H, (v) => v.toFixed(0)),
      panel('Uptime by connection', series((s) => (s.total - s.unavailable) / s.total), 0, 40 + 2 * H, W / 2, H, (v) => `${(v * 100).toFixed(0)}%`),
      breakerPanel(byProvider, W / 2, 40 + 2 * H, W / 2, H),
    ].join('');
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${40 + 3 * H}" font-family="DejaVu Sans, sans-serif"><rect width="100%" height="100%" fill="#111217"/><text x="12" y="26" fill="#ccccdc" font-size="16">Junction — integrations (deploy/grafana/junction-integrations.json), ${records.length} calls from metric_window, 1-minute windows</text>${body}</svg>`;
    const svgPath = join(process.cwd(), 'bench', 'results', 'junction-integrations.svg');
    mkdirSync(join(process.cwd(), 'bench', 'results'), { recursive: true });
    mkdirSync(join(process.cwd(), 'docs', 'images'), { recursive: true });
    writeFileSync(svgPath, svg);
    try {
      execFileSync('rsvg-convert', ['-o', join(process.cwd(), 'docs', 'images', 'junction-integrations.png'), svgPath]);
      console.log(`wrote docs/images/junction-integrations.png (${records.length} calls, ${rows.length} minute windows)`);
    } catch {
      console.log('rsvg-convert not found (apt-get install librsvg2-bin): wrote bench/results/junction-integrations.svg only');
    }
  } finally {
    await db.drop();
  }
  process.exit(0);
}

void main();
