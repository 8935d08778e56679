/**
 * npm run bench:ingress — Junction's durable webhook accept (verify, dedupe, inbox + outbox committed before
 * the 200) against two references measured in the same run: a bare Fastify route that only answers 200, and
 * the naive durable handler (Fastify + the same signature check + one INSERT … ON CONFLICT DO NOTHING per
 * request). Prints req/s, p50, p99 and the ratios, writes bench/results/ingress.json. A script, not a test.
 *
 * Each server runs alone in its own child process; the load generator (autocannon) runs here. Junction runs
 * as built — compiled the way `npm run build` compiles it (swc apps libs --copy-files), but into
 * bench/results/ingress-build/ rather than dist/, so a rebuild of dist/ during the run (another terminal,
 * `npm start`) cannot delete the app from under the benchmark. Rounds are interleaved (bare, naive, junction, bare, …) so
 * drift hits all three alike; each run is a warm-up (not counted) then the measured part.
 *
 * Environment:
 *   BENCH_DURATION     measured seconds per run (default 10)
 *   BENCH_WARMUP       warm-up seconds per run (default 3)
 *   BENCH_CONNECTIONS  concurrent connections (default 50)
 *   BENCH_ROUNDS       interleaved rounds (default 3); the goal is judged on the medians of the rounds'
 *                      junction/naive ratios (adjacent runs); the best run (req/s) of each server is shown too
 *   DATABASE_URL       base URL of the Postgres server, used to (re)create the bench database
 *                      (default postgresql://postgres@127.0.0.1:5432/postgres)
 *   BENCH_DATABASE     the bench database's name, dropped and recreated (default junction_bench_ingress)
 *   BENCH_QUIET_WAIT   seconds to wait before each run for other work on the machine to settle (default 120;
 *                      0: do not wait); a run that started on a busy machine is flagged in the output
 *   BENCH_SERVERS      comma-separated subset of bare,naive,junction to run (default all three; the ratios need
 *                      naive and junction)
 *   BENCH_B_ENTRY      main.js of another build of webhook-ingress (e.g. a worktree of main, built with
 *                      `swc apps libs bench/ingress bench/resilience -d bench/results/ingress-build
 *                      --copy-files`): measured as `junction-b` right after `junction` in every round, for an
 *                      A/B of a change on a machine that drifts (compare the per-round pairs)
 *   BENCH_PROFILE=1    run Junction with --cpu-prof and print its top self-time functions (slows it down:
 *                      the figures of a profiled run are not comparable)
 */
import { cpus } from 'node:os';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { freePort, redactDatabaseUrl } from '@junction/persistence';
import { BenchQueries, ENDPOINT, newKeyRing, prepareDatabase, recreateDatabase } from './bench-database';
import { type CpuShare, cpuWindow, killChildren, startChild, waitForQuiet } from './processes';
import { formatProfile, type ProfileSummary, summarizeProfile } from './profile-summary';
import { abLine, report, type RunRecord, usPerRequest } from './report';
import { newSecret, runLoad, sampleBody, signedRequest } from './signed-requests';

const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BASE_URL = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/postgres';
const DATABASE = process.env.BENCH_DATABASE ?? 'junction_bench_ingress';
const PROFILE = process.env.BENCH_PROFILE === '1';
const QUIET_WAIT_MS = Number(process.env.BENCH_QUIET_WAIT ?? 120) * 1000;
/** Cores other processes may keep busy while a run starts (an idle machine shows ~0.05). */
const QUIET_CORES = 0.25;

/** This file runs from <repo>/bench/results/ingress-build/bench/ingress/. */
const BUILD = join(__dirname, '..', '..');
const ROOT = join(BUILD, '..', '..', '..');
const RESULTS = join(ROOT, 'bench', 'results');
const APP_ENTRY = join(BUILD, 'apps', 'webhook-ingress', 'src', 'main.js');
const PROFILES = join(RESULTS, 'ingress-profiles');
const ALL_SERVERS = ['bare', 'naive', 'junction'] as const;
type ServerName = (typeof ALL_SERVERS)[number] | 'junction-b';
const ENTRY_B = process.env.BENCH_B_ENTRY;
const SERVERS: readonly ServerName[] = [...(process.env.BENCH_SERVERS ? ALL_SERVERS.filter((s) => process.env.BENCH_SERVERS!.split(',').includes(s)) : ALL_SERVERS), ...(ENTRY_B ? (['junction-b'] as const) : [])];

interface Setup {
  databaseUrl: string;
  kek: string;
  secret: string;
}

function childSpec(name: ServerName, port: number, setup: Setup): { args: string[]; env: Record<string, string> } {
  switch (name) {
    case 'bare':
      return { args: [join(__dirname, 'bare.server.js')], env: { PORT: String(port) } };
    case 'naive':
      return { args: [join(__dirname, 'naive.server.js')], env: { PORT: String(port), DATABASE_URL: setup.databaseUrl, WEBHOOK_SECRET: setup.secret } };
    case 'junction':
    case 'junction-b':
      return {
        args: [...(PROFILE ? ['--cpu-prof', '--cpu-prof-dir', PROFILES] : []), name === 'junction' ? APP_ENTRY : ENTRY_B!],
        env: {
          NODE_ENV: 'production',
          DATABASE_URL: setup.databaseUrl,
          BUS: 'memory',
          LOG_LEVEL: 'warn',
          HOST: '127.0.0.1',
          PORT: String(port),
          JUNCTION_KEK: setup.kek,
          OTEL_EXPORTER_OTLP_ENDPOINT: '',
        },
      };
  }
}

/** Polls until the relay has published every outbox row (what Junction still owes after answering). */
async function outboxDrain(queries: BenchQueries, timeoutMs: number): Promise<{ ms: number; left: number }> {
  const t0 = performance.now();
  let left = await queries.unpublishedOutbox();
  while (left > 0 && performance.now() - t0 < timeoutMs) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    left = await queries.unpublishedOutbox();
  }
  return { ms: performance.now() - t0, left };
}

async function measure(name: ServerName, round: number, setup: Setup, queries: BenchQueries): Promise<RunRecord> {
  const port = await freePort();
  const spec = childSpec(name, port, setup);
  const child = await startChild({ name, port, ...spec });
  try {
    const path = `/webhooks/${ENDPOINT.provider}/${ENDPOINT.id}`;
    const quiet = QUIET_WAIT_MS > 0 ? await waitForQuiet(QUIET_CORES, QUIET_WAIT_MS) : undefined;
    if (quiet && !quiet.quiet) console.warn(`  (machine still busy after ${(quiet.waitedMs / 1000).toFixed(0)} s: ${quiet.otherCores.toFixed(2)} cores used by other processes; measuring anyway)`);
    const warmTag = randomBytes(3).toString('hex');
    const warm = await runLoad({ url: child.url, connections: CONNECTIONS, seconds: WARMUP, request: signedRequest(setup.secret, path, warmTag) });
    if (warm.non2xx > 0 || warm.ok2xx === 0) {
      throw new Error(`${name}: warm-up answered ${JSON.stringify(warm.statusCodes)} (errors ${warm.errors}): not measuring a server that does not accept the requests`);
    }
    if (name.startsWith('junction')) await outboxDrain(queries, 30_000);

    const tag = randomBytes(3).toString('hex');
    const before = await queries.counters();
    const closeCpu = cpuWindow(child.pid);
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const load = await runLoad({ url: child.url, connections: CONNECTIONS, seconds: DURATION, request: signedRequest(setup.secret, path, tag) });
    const toUs = Number(process.hrtime.bigint() / 1000n);
    const cpu: CpuShare = closeCpu();
    // Requests in flight when autocannon closed its sockets still commit: let them finish before counting.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const after = await queries.counters();

    const record: RunRecord = {
      server: name,
      round,
      pid: child.pid,
      window: { fromUs, toUs, requests: load.completed },
      load,
      cpu,
      busyAtStart: quiet && !quiet.quiet ? quiet.otherCores : undefined,
      commits: after.commits - before.commits,
      walBytes: after.walBytes - before.walBytes,
    };
    if (name === 'naive') record.rows = await queries.naiveRows(tag);
    if (name.startsWith('junction')) {
      record.rows = await queries.inboxRows(tag);
      record.batches = await queries.inboxBatches(tag);
      record.outboxDrain = await outboxDrain(queries, 60_000);
    }
    return record;
  } finally {
    await child.stop();
  }
}

function progressLine(r: RunRecord): string {
  const l = r.load;
  const rows = r.rows === undefined ? '' : `, rows ${r.rows}`;
  const batch = r.batches ? `, ${r.batches.rowsPerStatementMean.toFixed(1)} rows/statement` : '';
  const perReq = (cores: number) => usPerRequest(cores, l.reqPerSec).toFixed(0);
  const cpu = `, CPU µs/req server ${perReq(r.cpu.server)} postgres ${perReq(r.cpu.postgres)} load ${perReq(r.cpu.loadGenerator)}, machine ${r.cpu.machineBusy.toFixed(2)}/${r.cpu.cores} cores`;
  return `  round ${r.round} ${r.server.padEnd(10)} ${l.reqPerSec.toFixed(0).padStart(6)} req/s  p50 ${l.p50Ms.toFixed(2)} ms  p99 ${l.p99Ms.toFixed(2)} ms  2xx ${l.ok2xx}  non-2xx ${l.non2xx}${rows}${batch}${cpu}`;
}

async function main(): Promise<number> {
  if (!existsSync(APP_ENTRY)) throw new Error(`${APP_ENTRY} is missing: run this through \`npm run bench:ingress\`, which builds it`);
  const machine = { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown', node: process.version, platform: `${process.platform} ${process.arch}` };
  console.log(`bench:ingress on ${machine.cpus} × ${machine.model}, Node ${machine.node}; ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s measured per run, ${ROUNDS} interleaved rounds`);
  console.log(`request: POST /webhooks/${ENDPOINT.provider}/${ENDPOINT.id}, ${Buffer.byteLength(sampleBody())} B JSON body, Standard Webhooks signature, unique webhook-id per request`);

  const setup: Setup = { kek: newKeyRing(), secret: newSecret(), databaseUrl: await recreateDatabase(BASE_URL, DATABASE) };
  console.log(`database: ${redactDatabaseUrl(setup.databaseUrl)} (fresh, migrated)\n`);
  await prepareDatabase(setup.databaseUrl, setup.kek, setup.secret);
  if (PROFILE) {
    rmSync(PROFILES, { recursive: true, force: true });
    mkdirSync(PROFILES, { recursive: true });
  }

  const queries = await BenchQueries.open(setup.databaseUrl);
  const runs: RunRecord[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      for (const name of SERVERS) {
        const record = await measure(name, round, setup, queries);
        runs.push(record);
        console.log(progressLine(record));
      }
    }
  } finally {
    await queries.close();
  }

  let profile: ProfileSummary | undefined;
  if (PROFILE) {
    // The best Junction run's profile, cut to its measured window (start-up, warm-up and pauses left out).
    const run = runs.filter((r) => r.server === 'junction').sort((a, b) => b.load.reqPerSec - a.load.reqPerSec)[0]!;
    const file = readdirSync(PROFILES).find((f) => f.endsWith('.cpuprofile') && f.includes(`.${run.pid}.`));
    if (file) {
      profile = summarizeProfile(join(PROFILES, file), run.window, 30);
      console.log(`\nJunction CPU profile, round ${run.round} (${join('bench', 'results', 'ingress-profiles', file)})\n${formatProfile(profile, 30)}`);
    } else console.log(`\nno .cpuprofile for pid ${run.pid} in ${PROFILES} (did the app exit through its SIGTERM handler?)`);
  }

  if (ENTRY_B) console.log(`\n${abLine(runs)}`);
  // junction-b does not count: the report needs bare, naive and junction.
  if (!ALL_SERVERS.every((server) => SERVERS.includes(server))) {
    console.log(`\nBENCH_SERVERS=${SERVERS.join(',')}: no comparison, no ${join('bench', 'results', 'ingress.json')} (the report needs all three)`);
    return 0;
  }
  const { text, json, ok } = report(runs, { machine, connections: CONNECTIONS, warmupSeconds: WARMUP, durationSeconds: DURATION, rounds: ROUNDS, profiled: PROFILE, bodyBytes: Buffer.byteLength(sampleBody()) });
  console.log(`\n${text}`);
  mkdirSync(RESULTS, { recursive: true });
  const out = join(RESULTS, 'ingress.json');
  writeFileSync(out, `${JSON.stringify({ ...json, profile }, null, 2)}\n`);
  console.log(`\nwritten ${join('bench', 'results', 'ingress.json')}`);
  return ok ? 0 : 1;
}

process.once('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    killChildren();
    process.exit(130);
  });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
