/**
 * npm run bench:resilience — per-call cost of the resilience pipeline against a raw undici call to the same
 * local server, in one run, plus fail-fast latency with the breaker open. Prints a table and writes
 * bench/results/resilience.json. A script, not a test: it reports figures, it asserts nothing.
 *
 * Calls are sequential (one in flight) so each sample is one call's latency; scenarios are interleaved in
 * rounds so drift (CPU frequency, GC, other load) hits all of them alike.
 *
 * The pipeline is measured with the call bounding its request by `attempt.requestOptions` (undici's own
 * timeouts, no AbortSignal; the goal line is this row), the same with an observer (a record per attempt),
 * and by `attempt.signal` (an AbortSignal per attempt, which on Node 20 costs several times the rest of the
 * pipeline; the goal line compares that row with "raw + AbortSignal" too). "p50 paired by round" is the
 * median over rounds of each round's p50 against raw's in the same round: steadier than pooled p50s here.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import CircuitBreaker from 'opossum';
import { Agent, request } from 'undici';
import { DEFAULT_POLICY, IntegrationError, ResiliencePipelines } from '@junction/resilience';
import { countingObserver, pipelineCall, postgresLimiter, rawCall, rawCallWithSignal, startServer, type Call } from './scenarios';
import { pairedP50Ratio, round, summarize, table, type Summary } from './stats';

// Short rounds, many of them: this VM's speed drifts over seconds, and a round must be shorter than that.
const ROUNDS = 40;
const PER_ROUND = 500;
const WARMUP = 3_000;
const FAIL_FAST_CALLS = 20_000;

async function sample(call: Call, n: number, into: number[]): Promise<void> {
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call();
    into.push(performance.now() - t0);
  }
}

async function sampleRejections(call: Call, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await call().catch(() => undefined);
    out.push(performance.now() - t0);
  }
  return out;
}

/** A pipeline whose breaker is open (tripped by real 503s), and opossum's own rejection for comparison. */
async function failFast(url: string, dispatcher: Agent): Promise<{ pipeline: Summary; opossum: Summary }> {
  const pipelines = new ResiliencePipelines({
    policies: {
      down: { ...DEFAULT_POLICY, retry: { ...DEFAULT_POLICY.retry, maxAttempts: 1 }, breaker: { ...DEFAULT_POLICY.breaker, volumeThreshold: 3, resetTimeoutMs: 600_000 } },
    },
  });
  const ctx = { provider: 'down', connection: 'default', operation: 'customer.get' };
  const failing = async (): Promise<never> => {
    const res = await request(`${url}/fail`, { dispatcher });
    await res.body.dump();
    throw new IntegrationError('server', 'HTTP 503', { provider: 'down', operation: 'customer.get', status: res.statusCode });
  };
  const pipeline = pipelines.get('down');
  while (pipeline.breaker.state !== 'open') await pipeline.run(ctx, failing).catch(() => undefined);
  await sampleRejections(() => pipelines.run(ctx, failing), WARMUP);
  const ours = await sampleRejections(() => pipelines.run(ctx, failing), FAIL_FAST_CALLS);
  pipelines.close();

  const breaker = new CircuitBreaker(() => Promise.resolve(1), { rollingPercentilesEnabled: false, enableSnapshots: false });
  breaker.open();
  await sampleRejections(() => breaker.fire(), WARMUP);
  const theirs = await sampleRejections(() => breaker.fire(), FAIL_FAST_CALLS);
  breaker.shutdown();
  return { pipeline: summarize(ours), opossum: summarize(theirs) };
}

async function main(): Promise<void> {
  const server = await startServer();
  const dispatcher = new Agent({ keepAliveTimeout: 60_000, connections: 4 });
  const pg = await postgresLimiter(process.env.DATABASE_URL);

  type Scenario = { name: string; call: Call; close: () => unknown; samples: number[]; rounds: number[][] };
  const scenario = (name: string, p: { call: Call; close: () => unknown }): Scenario => ({ name, ...p, samples: [], rounds: [] });
  const none = () => undefined;
  const scenarios: Scenario[] = [
    scenario('raw undici request', { call: rawCall(server.url, dispatcher), close: none }),
    scenario('raw undici request + AbortSignal', { call: rawCallWithSignal(server.url, dispatcher), close: none }),
    scenario('pipeline, no rate limiter (attempt.requestOptions)', pipelineCall(server.url, dispatcher, 'requestOptions')),
    scenario('  same, with an observer (a record per attempt)', pipelineCall(server.url, dispatcher, 'requestOptions', { observer: countingObserver() })),
    scenario('pipeline, no rate limiter, call takes attempt.signal', pipelineCall(server.url, dispatcher, 'signal')),
  ];
  for (const s of scenarios) await sample(s.call, WARMUP, []);
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order so no scenario always runs first after a switch.
    for (let i = 0; i < scenarios.length; i++) {
      const s = scenarios[(round + i) % scenarios.length]!;
      const chunk: number[] = [];
      await sample(s.call, PER_ROUND, chunk);
      s.samples.push(...chunk);
      s.rounds.push(chunk);
    }
  }
  // A Postgres round trip is ~20× the local call: measured on its own, so it does not disturb the others.
  if ('limiter' in pg) {
    const p = pipelineCall(server.url, dispatcher, 'requestOptions', { limiter: pg.limiter });
    const s = scenario('pipeline + Postgres rate limiter', { call: p.call, close: () => Promise.all([p.close(), pg.close()]) });
    await sample(s.call, WARMUP / 3, []);
    await sample(s.call, (ROUNDS * PER_ROUND) / 4, s.samples);
    scenarios.push(s);
  }
  const fail = await failFast(server.url, dispatcher);

  const raw = summarize(scenarios[0]!.samples);
  const results = scenarios.map((s) => {
    const summary = summarize(s.samples);
    return {
      scenario: s.name,
      ...summary,
      overheadMeanUs: round(summary.meanUs - raw.meanUs),
      overheadRatio: round((summary.meanUs - raw.meanUs) / raw.meanUs, 3),
      overheadP50Us: round(summary.p50Us - raw.p50Us),
      overheadP50Ratio: round((summary.p50Us - raw.p50Us) / raw.p50Us, 3),
      pairedP50Ratio: s.rounds.length === ROUNDS ? pairedP50Ratio(s.rounds, scenarios[0]!.rounds) : undefined,
    };
  });

  const rows = [['scenario', 'calls', 'mean µs', 'p50 µs', 'p99 µs', 'overhead vs raw: mean', 'p50', 'p50 paired by round']];
  const pct = (v: number) => `${(v * 100).toFixed(1)}%`;
  for (const r of results) {
    const first = r === results[0];
    const paired = r.pairedP50Ratio === undefined ? '—' : pct(r.pairedP50Ratio);
    rows.push([r.scenario, String(r.calls), r.meanUs.toFixed(1), r.p50Us.toFixed(1), r.p99Us.toFixed(1), first ? '—' : `${r.overheadMeanUs.toFixed(1)} µs (${pct(r.overheadRatio)})`, first ? '—' : `${r.overheadP50Us.toFixed(1)} µs (${pct(r.overheadP50Ratio)})`, first ? '—' : paired]);
  }
  if ('skipped' in pg) rows.push(['pipeline + Postgres rate limiter', 'skipped', '', '', '', pg.skipped, '', '']);
  rows.push(['fail fast, breaker open (pipeline)', String(fail.pipeline.calls), fail.pipeline.meanUs.toFixed(1), fail.pipeline.p50Us.toFixed(1), fail.pipeline.p99Us.toFixed(1), '', '', '']);
  rows.push(['  opossum fire() while open, for reference', String(fail.opossum.calls), fail.opossum.meanUs.toFixed(1), fail.opossum.p50Us.toFixed(1), fail.opossum.p99Us.toFixed(1), '', '', '']);
  console.log(`\nResilience pipeline overhead (Node ${process.version}, sequential calls, ${ROUNDS} interleaved rounds)\n`);
  console.log(table(rows));
  const noLimiter = results[2]!;
  const [rawSignal, withSignal] = [{ ...scenarios[1]!, ...results[1]! }, { ...scenarios[4]!, ...results[4]! }];
  console.log(
    `\ngoals: overhead without the shared limiter ≤ 10% → mean ${pct(noLimiter.overheadRatio)}, p50 ${pct(noLimiter.overheadP50Ratio)} ` +
      `(paired by round ${pct(noLimiter.pairedP50Ratio!)}); ` +
      `open-breaker rejection median ≤ 50 µs → ${fail.pipeline.p50Us} µs`,
  );
  console.log(
    `with attempt.signal: p50 ${pct(withSignal.overheadP50Ratio)} over raw (paired ${pct(withSignal.pairedP50Ratio!)}), ` +
      `${pct((withSignal.p50Us - rawSignal.p50Us) / rawSignal.p50Us)} over raw + AbortSignal (paired ${pct(pairedP50Ratio(withSignal.rounds, rawSignal.rounds))})`,
  );

  const out = join('bench', 'results');
  mkdirSync(out, { recursive: true });
  const json = { at: new Date().toISOString(), node: process.version, rounds: ROUNDS, perRound: PER_ROUND, results, postgresLimiter: 'skipped' in pg ? { skipped: pg.skipped } : 'measured', failFast: fail };
  writeFileSync(join(out, 'resilience.json'), `${JSON.stringify(json, null, 2)}\n`);
  console.log(`\nwritten ${join(out, 'resilience.json')}`);

  for (const s of scenarios) await s.close();
  await dispatcher.close();
  await server.close();
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
