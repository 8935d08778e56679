/**
 * npm run bench:mcp — what libs/mcp (McpClient with the resilience pipeline) adds to a tool call, against a bare
 * `@modelcontextprotocol/sdk` Client calling the same server in the same run: server-everything's `echo` tool over
 * stdio and over Streamable HTTP. Prints a table and writes bench/results/mcp.json. A script, not a test: it reports
 * figures, it asserts nothing (beyond each call's answer being the echo).
 *
 * Two phases per transport, the clients alternating in rounds (the order flipped each round) so this shared machine's
 * drift hits both alike:
 * - sequential: one call in flight, so each sample is one call's latency (p50/p95/p99);
 * - concurrent: CONCURRENCY calls in flight per client, for calls/s.
 * "paired" ratios are the median over rounds of each round's ratio; steadier here than ratios of pooled figures.
 * The goal (issue): libs/mcp's sequential p50 ≤ 1.15 × the bare client's.
 *
 * Expect MaxListenersExceededWarning lines during the concurrent Streamable HTTP phase from the bare client: the SDK's
 * transport hands one AbortSignal to every fetch, and Node 20's undici detaches its listener from it only when the
 * request is garbage-collected, so past 1,500 pending listeners each request prints a warning. libs/mcp lifts the
 * limit on those signals (mcp-target.ts), so none come from it.
 *
 * BENCH_TRANSPORTS=stdio|streamable-http (comma list), BENCH_SEQ_ROUNDS, BENCH_SEQ_PER_ROUND, BENCH_CONC_ROUNDS,
 * BENCH_CONC_PER_ROUND, BENCH_CONCURRENCY override the shape below (e.g. for a profile of one transport).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { serverEverythingStdio, startServerEverythingHttp, type EverythingHttpServer } from '@junction/testing';
import { bareSdkClient, libsMcpClient, type BenchClient, type BenchTarget, type Call } from './clients';
import { pairedRatio, round, roundCallsPerSecond, roundP50, Samples, table, type Summary } from './stats';

const number = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
// Rounds short (a stdio round of 100 calls takes ~20 ms, an HTTP one of 50 ~200 ms) and many: this VM's speed drifts
// over seconds, and other work shares its 2 cores. The whole run stays near a minute and a half.
const shape = {
  warmup: number('BENCH_WARMUP', 1_000),
  seqRounds: number('BENCH_SEQ_ROUNDS', 40),
  seqPerRound: { stdio: number('BENCH_SEQ_PER_ROUND', 100), 'streamable-http': number('BENCH_SEQ_PER_ROUND', 50) },
  concRounds: number('BENCH_CONC_ROUNDS', 8),
  concPerRound: { stdio: number('BENCH_CONC_PER_ROUND', 2_000), 'streamable-http': number('BENCH_CONC_PER_ROUND', 600) },
  concurrency: number('BENCH_CONCURRENCY', 16),
};
const GOAL = 0.15;
const TRANSPORTS = (process.env.BENCH_TRANSPORTS ?? 'stdio,streamable-http').split(',') as BenchTarget['transport'][];

/** `total` calls, `concurrency` in flight; per-call latencies, wall time and this process's CPU. */
async function runCalls(call: Call, total: number, concurrency: number): Promise<{ latenciesMs: number[]; wallMs: number; cpuUs: number }> {
  const latenciesMs: number[] = [];
  let started = 0;
  const worker = async () => {
    while (started < total) {
      started++;
      const t0 = performance.now();
      await call();
      latenciesMs.push(performance.now() - t0);
    }
  };
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const wallMs = performance.now() - t0;
  const used = process.cpuUsage(cpu);
  return { latenciesMs, wallMs, cpuUs: used.user + used.system };
}

/** Rounds of `perRound` calls per client, alternating which client goes first. */
async function phase(clients: readonly BenchClient[], rounds: number, perRound: number, concurrency: number): Promise<Samples[]> {
  const samples = clients.map(() => new Samples());
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < clients.length; i++) {
      const k = (r + i) % clients.length;
      const { latenciesMs, wallMs, cpuUs } = await runCalls(clients[k]!.call, perRound, concurrency);
      samples[k]!.add(latenciesMs, wallMs, cpuUs);
    }
  }
  return samples;
}

interface PhaseResult {
  readonly phase: 'sequential' | 'concurrent';
  readonly concurrency: number;
  readonly libsMcp: Summary;
  readonly bare: Summary;
  /** libs/mcp p50 / bare p50: pooled over all rounds, and the median of per-round ratios. */
  readonly p50Ratio: number;
  readonly p50RatioPaired: number;
  /** libs/mcp calls/s / bare calls/s. */
  readonly callsPerSecondRatio: number;
  readonly callsPerSecondRatioPaired: number;
}

interface TransportResult {
  readonly transport: BenchTarget['transport'];
  readonly phases: PhaseResult[];
}

function compare(name: PhaseResult['phase'], concurrency: number, [ours, bare]: Samples[]): PhaseResult {
  const [o, b] = [ours!.summary(), bare!.summary()];
  return {
    phase: name,
    concurrency,
    libsMcp: o,
    bare: b,
    p50Ratio: round(o.p50Us / b.p50Us, 3),
    p50RatioPaired: pairedRatio(ours!, bare!, roundP50),
    callsPerSecondRatio: round(o.callsPerSecond / b.callsPerSecond, 3),
    callsPerSecondRatioPaired: pairedRatio(ours!, bare!, roundCallsPerSecond),
  };
}

async function benchTransport(target: BenchTarget): Promise<TransportResult> {
  const clients = [libsMcpClient(target), await bareSdkClient(target)];
  try {
    // Warm-up: sessions opened, libs/mcp's tool catalog listed and schema compiled, both code paths optimized by V8.
    for (const c of clients) await runCalls(c.call, shape.warmup, 1);
    for (const c of clients) await runCalls(c.call, shape.warmup, shape.concurrency);
    const sequential = compare('sequential', 1, await phase(clients, shape.seqRounds, shape.seqPerRound[target.transport], 1));
    const concurrent = compare('concurrent', shape.concurrency, await phase(clients, shape.concRounds, shape.concPerRound[target.transport], shape.concurrency));
    return { transport: target.transport, phases: [sequential, concurrent] };
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

function print(results: readonly TransportResult[]): void {
  const x = (v: number) => `${v.toFixed(3)}×`;
  const rows = [['transport', 'phase', 'client', 'calls', 'p50 µs', 'p95 µs', 'p99 µs', 'calls/s', 'client CPU µs/call', 'p50 ratio (paired)', 'calls/s ratio (paired)']];
  for (const t of results) {
    for (const p of t.phases) {
      const phaseName = p.phase === 'sequential' ? 'sequential' : `concurrency ${p.concurrency}`;
      for (const [client, s] of [['bare sdk', p.bare], ['libs/mcp', p.libsMcp]] as const) {
        const ours = client === 'libs/mcp';
        rows.push([
          t.transport,
          phaseName,
          client,
          String(s.calls),
          s.p50Us.toFixed(1),
          s.p95Us.toFixed(1),
          s.p99Us.toFixed(1),
          String(s.callsPerSecond),
          s.clientCpuUsPerCall.toFixed(1),
          ours ? `${x(p.p50Ratio)} (${x(p.p50RatioPaired)})` : '—',
          ours ? `${x(p.callsPerSecondRatio)} (${x(p.callsPerSecondRatioPaired)})` : '—',
        ]);
      }
    }
  }
  console.log(`\nlibs/mcp (McpClient + ResiliencePipelines) vs bare @modelcontextprotocol/sdk Client, server-everything echo (Node ${process.version})`);
  const per = (counts: Record<string, number>) => Object.entries(counts).map(([transport, n]) => `${n} (${transport})`).join(', ');
  console.log(
    `sequential: ${shape.seqRounds} rounds × ${per(shape.seqPerRound)} calls per client; concurrent: ${shape.concRounds} rounds × ${per(shape.concPerRound)} calls, ` +
      `${shape.concurrency} in flight; the clients alternate round by round\n`,
  );
  console.log(table(rows));
  console.log('');
  for (const t of results) {
    const seq = t.phases[0]!;
    const overhead = seq.p50RatioPaired - 1;
    const abs = seq.libsMcp.p50Us - seq.bare.p50Us;
    console.log(
      `goal ${t.transport}: libs/mcp sequential p50 overhead ≤ ${GOAL * 100}% of the bare client's → ` +
        `${(overhead * 100).toFixed(1)}% paired (${((seq.p50Ratio - 1) * 100).toFixed(1)}% pooled, ${abs.toFixed(1)} µs): ${overhead <= GOAL ? 'MET' : 'NOT MET'}`,
    );
  }
}

async function main(): Promise<void> {
  let http: EverythingHttpServer | undefined;
  const results: TransportResult[] = [];
  try {
    for (const transport of TRANSPORTS) {
      if (transport === 'stdio') {
        results.push(await benchTransport({ transport, ...serverEverythingStdio() }));
      } else {
        http = await startServerEverythingHttp();
        results.push(await benchTransport({ transport, url: http.url, headers: {} }));
      }
    }
  } finally {
    await http?.stop();
  }
  print(results);
  const out = join('bench', 'results');
  mkdirSync(out, { recursive: true });
  const goal = results.map((t) => ({ transport: t.transport, maxP50Overhead: GOAL, p50OverheadPaired: round(t.phases[0]!.p50RatioPaired - 1, 3), met: t.phases[0]!.p50RatioPaired - 1 <= GOAL }));
  writeFileSync(join(out, 'mcp.json'), `${JSON.stringify({ at: new Date().toISOString(), node: process.version, shape, goal, results }, null, 2)}\n`);
  console.log(`\nwritten ${join(out, 'mcp.json')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
