/**
 * bench:ingress figures: the per-run sanity checks (nothing but 2xx; every 2xx has its row), the best run
 * of each server, the per-round ratios and their medians against the goal, and where the CPU went.
 */
import { round, table } from '../resilience/stats';
import type { BatchFigures } from './bench-database';
import type { CpuShare } from './processes';
import type { LoadResult } from './signed-requests';

export interface RunRecord {
  server: 'bare' | 'naive' | 'junction' | 'junction-b';
  round: number;
  /** The server process, and the measured window on the monotonic clock (for its CPU profile). */
  pid: number;
  window: { fromUs: number; toUs: number; requests: number };
  load: LoadResult;
  cpu: CpuShare;
  /** Cores other processes were using when the run started, when over the quiet threshold. */
  busyAtStart?: number;
  /** Transactions committed in the bench database during the measured part (relay and cache loads included). */
  commits: number;
  /** WAL written by the whole Postgres server during the measured part. */
  walBytes: number;
  /** Rows this run's requests left in naive_inbox / inbox_message. */
  rows?: number;
  batches?: BatchFigures;
  /** After the run: how long the relay took to publish what was still in the outbox. */
  outboxDrain?: { ms: number; left: number };
}

export interface ReportContext {
  machine: { cpus: number; model: string; node: string; platform: string };
  connections: number;
  warmupSeconds: number;
  durationSeconds: number;
  rounds: number;
  profiled: boolean;
  bodyBytes: number;
}

const GOAL = { reqPerSecRatio: 1.2, p99Ratio: 1.0 };

/** Problems with one run, empty when its figures can be trusted. */
function problems(r: RunRecord): string[] {
  const out: string[] = [];
  const l = r.load;
  if (l.non2xx > 0) out.push(`${l.non2xx} non-2xx answers ${JSON.stringify(l.statusCodes)}`);
  if (l.errors > 0) out.push(`${l.errors} connection errors (${l.timeouts} timeouts)`);
  if (r.rows !== undefined && (r.rows < l.ok2xx || r.rows > l.ok2xx + l.inFlightAtStop)) {
    out.push(`${r.rows} rows for ${l.ok2xx} 2xx answers (expected 2xx + up to ${l.inFlightAtStop} requests in flight at stop)`);
  }
  return out;
}

/** Cores other processes may use before a run is flagged as disturbed. */
const OTHER_CORES = 0.25;
const disturbed = (r: RunRecord) => r.busyAtStart !== undefined || r.cpu.other > OTHER_CORES;

/** CPU microseconds per request, from cores busy per wall second. */
export const usPerRequest = (coresBusy: number, reqPerSec: number) => (reqPerSec === 0 ? 0 : (coresBusy * 1e6) / reqPerSec);

export function report(runs: readonly RunRecord[], ctx: ReportContext): { text: string; json: object; ok: boolean } {
  const issues = runs.flatMap((r) => problems(r).map((p) => `round ${r.round} ${r.server}: ${p}`));
  const best = (server: RunRecord['server']) => runs.filter((r) => r.server === server).sort((a, b) => b.load.reqPerSec - a.load.reqPerSec)[0]!;
  const picked = { bare: best('bare'), naive: best('naive'), junction: best('junction') };

  const rows = [['server', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'rows = 2xx (+in flight at stop)', 'CPU: server', 'Postgres', 'load gen', 'µs/req server', 'µs/req Postgres']];
  const line = (label: string, r: RunRecord) => [
    label,
    r.load.reqPerSec.toFixed(0),
    r.load.p50Ms.toFixed(2),
    r.load.p99Ms.toFixed(2),
    String(r.load.non2xx),
    r.rows === undefined ? '—' : `${r.rows} = ${r.load.ok2xx} + ${r.rows - r.load.ok2xx}`,
    `${(r.cpu.server * 100).toFixed(0)}%`,
    `${(r.cpu.postgres * 100).toFixed(0)}%`,
    `${(r.cpu.loadGenerator * 100).toFixed(0)}%`,
    usPerRequest(r.cpu.server, r.load.reqPerSec).toFixed(0),
    usPerRequest(r.cpu.postgres, r.load.reqPerSec).toFixed(0),
  ];
  rows.push(line('bare Fastify (200 only)', picked.bare), line('naive durable (1 INSERT/request)', picked.naive), line('Junction durable accept', picked.junction));

  const ratios = {
    junctionOverNaiveReqPerSec: round(picked.junction.load.reqPerSec / picked.naive.load.reqPerSec, 3),
    junctionOverNaiveP99: round(picked.junction.load.p99Ms / picked.naive.load.p99Ms, 3),
    junctionOverBareReqPerSec: round(picked.junction.load.reqPerSec / picked.bare.load.reqPerSec, 3),
    naiveOverBareReqPerSec: round(picked.naive.load.reqPerSec / picked.bare.load.reqPerSec, 3),
  };
  // The machine drifts by ±10% within minutes: a round's two runs are adjacent in time, so their ratios are the
  // steadier figures, and the goal is judged on their medians (a best run of each server may come from different
  // minutes).
  const perRound = pairedRatios(runs, 'junction', 'naive');
  const verdict = { reqPerSec: median(perRound.map((r) => r.reqPerSec)), p99: median(perRound.map((r) => r.p99)) };
  const goalMet = verdict.reqPerSec >= GOAL.reqPerSecRatio && verdict.p99 <= GOAL.p99Ratio;

  const all = [['run', 'req/s', 'p50 ms', 'p99 ms', '2xx', 'non-2xx', 'errors', 'commits/s', 'WAL B/req', 'CPU server', 'Postgres', 'load gen', 'other procs', 'machine busy']];
  for (const r of runs) {
    all.push([
      `round ${r.round} ${r.server}${disturbed(r) ? ' (!)' : ''}`,
      r.load.reqPerSec.toFixed(0),
      r.load.p50Ms.toFixed(2),
      r.load.p99Ms.toFixed(2),
      String(r.load.ok2xx),
      String(r.load.non2xx),
      String(r.load.errors),
      (r.commits / r.load.seconds).toFixed(0),
      r.load.completed === 0 ? '—' : (r.walBytes / r.load.completed).toFixed(0),
      `${(r.cpu.server * 100).toFixed(0)}%`,
      `${(r.cpu.postgres * 100).toFixed(0)}%`,
      `${(r.cpu.loadGenerator * 100).toFixed(0)}%`,
      `${(r.cpu.other * 100).toFixed(0)}%`,
      `${(r.cpu.machineBusy * 100).toFixed(0)}% of ${r.cpu.cores * 100}%`,
    ]);
  }

  const j = picked.junction;
  const text = [
    `Webhook ingress, ${ctx.connections} connections, ${ctx.bodyBytes} B signed JSON body — best run (req/s) of ${ctx.rounds} per server, interleaved`,
    `machine: ${ctx.machine.cpus} CPUs (${ctx.machine.model}), Node ${ctx.machine.node}, ${ctx.machine.platform}; load generator on the same machine`,
    ctx.profiled ? 'NOTE: Junction ran under --cpu-prof: its figures are slowed by the profiler.' : '',
    '',
    table(rows),
    '',
    `junction / naive per round (adjacent runs): req/s ${perRound.map((r) => `×${r.reqPerSec.toFixed(2)}`).join(', ')}; p99 ${perRound.map((r) => `×${r.p99.toFixed(2)}`).join(', ')}`,
    `junction / naive, medians of the rounds: req/s ×${verdict.reqPerSec.toFixed(2)} (goal ≥ ×${GOAL.reqPerSecRatio}), p99 ×${verdict.p99.toFixed(2)} (goal ≤ ×${GOAL.p99Ratio.toFixed(1)}) → ${goalMet ? 'goal MET' : 'goal MISSED'}`,
    `junction / naive, best runs: req/s ×${ratios.junctionOverNaiveReqPerSec.toFixed(2)}, p99 ×${ratios.junctionOverNaiveP99.toFixed(2)}`,
    `for reference: junction / bare req/s ×${ratios.junctionOverBareReqPerSec.toFixed(2)}, naive / bare ×${ratios.naiveOverBareReqPerSec.toFixed(2)}`,
    j.batches
      ? `junction group commit: ${j.batches.statements} statements for ${j.rows} rows, rows/statement mean ${j.batches.rowsPerStatementMean.toFixed(1)}, p50 ${j.batches.rowsPerStatementP50}, p90 ${j.batches.rowsPerStatementP90}, max ${j.batches.rowsPerStatementMax} (inbox rows grouped by xmin)`
      : '',
    j.outboxDrain ? `junction outbox after the run: ${j.outboxDrain.left === 0 ? `relayed within ${j.outboxDrain.ms.toFixed(0)} ms` : `${j.outboxDrain.left} rows still unpublished after ${j.outboxDrain.ms.toFixed(0)} ms`}` : '',
    '',
    'every run (CPU = cores busy per wall second; commits = transactions in the bench database; WAL = whole server):',
    table(all),
    runs.some(disturbed) ? `(!) = other processes used over ${OTHER_CORES} cores when the run started or during it: its figures are pessimistic` : '',
    '',
    issues.length === 0 ? 'checks: every answer 2xx, every 2xx has its row (Junction: inbox + outbox) — OK' : `CHECKS FAILED — these figures are not valid:\n  ${issues.join('\n  ')}`,
  ]
    .filter((l, i, a) => l !== '' || a[i - 1] !== '')
    .join('\n');

  const json = {
    at: new Date().toISOString(),
    machine: ctx.machine,
    settings: { connections: ctx.connections, warmupSeconds: ctx.warmupSeconds, durationSeconds: ctx.durationSeconds, rounds: ctx.rounds, bodyBytes: ctx.bodyBytes, profiled: ctx.profiled },
    pick: 'best run by req/s per server; p50/p99 are that run’s',
    results: Object.fromEntries(
      Object.entries(picked).map(([name, r]) => [name, { reqPerSec: round(r.load.reqPerSec), p50Ms: round(r.load.p50Ms, 2), p99Ms: round(r.load.p99Ms, 2), non2xx: r.load.non2xx, round: r.round }]),
    ),
    ratios: { ...ratios, junctionOverNaivePerRound: perRound },
    goal: { ...GOAL, basis: 'medians of the per-round junction/naive ratios', measured: verdict, met: goalMet },
    checks: { ok: issues.length === 0, issues },
    runs,
  };
  return { text, json, ok: issues.length === 0 };
}

/** Per round, `server` over `baseline` (req/s and p99) from the round's two adjacent runs. */
export function pairedRatios(runs: readonly RunRecord[], server: RunRecord['server'], baseline: RunRecord['server']): Array<{ reqPerSec: number; p99: number }> {
  return [...new Set(runs.map((r) => r.round))].flatMap((n) => {
    const base = runs.find((r) => r.round === n && r.server === baseline);
    const run = runs.find((r) => r.round === n && r.server === server);
    return base && run ? [{ reqPerSec: round(run.load.reqPerSec / base.load.reqPerSec, 3), p99: round(run.load.p99Ms / base.load.p99Ms, 3) }] : [];
  });
}

/** The A/B of BENCH_B_ENTRY: junction over junction-b per round, and the medians. */
export function abLine(runs: readonly RunRecord[]): string {
  const pairs = pairedRatios(runs, 'junction', 'junction-b');
  const list = (values: number[]) => values.map((v) => `×${v.toFixed(2)}`).join(', ');
  return (
    `junction / junction-b per round (adjacent runs): req/s ${list(pairs.map((p) => p.reqPerSec))}; p99 ${list(pairs.map((p) => p.p99))}\n` +
    `junction / junction-b, medians of the rounds: req/s ×${median(pairs.map((p) => p.reqPerSec)).toFixed(2)}, p99 ×${median(pairs.map((p) => p.p99)).toFixed(2)}`
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length === 0 ? NaN : sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
