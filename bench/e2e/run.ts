/**
 * npm run bench:e2e — erp.customer.create end to end: commands published on RabbitMQ, erp-worker (built, its own
 * process, 1, 2 and 4 of them) claiming each in Postgres, calling the ERPNext sandbox (its own process, no
 * faults, no added latency: find the Customer, create it), committing ledger + outbox, the relay publishing
 * erp.customer.created, and an observer subscription here receiving it. Beside it, in the same run, the naive
 * worker (naive.worker.ts: amqplib consumer → sandbox → ack, no idempotency, no outbox, no event).
 * A script, not a test: prints a table and writes bench/results/e2e.json.
 *
 * Per configuration: a fresh RabbitMQ vhost (rabbitmqctl; else the default vhost, purged), a fresh migrated
 * database (createTestDatabase), a reset sandbox. Then
 *   - warm-up: BENCH_WARMUP commands (not counted);
 *   - peak: BENCH_COMMANDS commands published as fast as the broker confirms them; throughput = commands /
 *     (last event − first publish); CPU per command of each process group from /proc over that window;
 *   - latency: half the peak rate, paced, for BENCH_LATENCY_SECONDS; command → erp.customer.created at the
 *     observer (naive: command → ack, it has no event) p50/p99/max.
 * Every command has a unique customer name, so every command creates. Afterwards the sandbox's Customer count
 * and the database's ledger rows are checked against the commands sent (exactly one effect each).
 *
 * The default erpnext policy has a 1,000 calls/hour quota shared in Postgres; the workers get
 * PROVIDER_POLICY_OVERRIDES lifting it to BENCH_QUOTA calls/hour (the limiter still runs, as it would for a
 * site with a bigger plan).
 *
 * Environment:
 *   BENCH_COMMANDS (10000)  BENCH_WARMUP (1000)  BENCH_LATENCY_SECONDS (10)  BENCH_PROCESSES (1,2,4)
 *   BENCH_CONCURRENCY (32): CONSUMER_CONCURRENCY of each worker process and the naive worker's prefetch
 *   BENCH_POOL (10): DATABASE_POOL_MAX of each worker process
 *   BENCH_QUOTA (100000000): erpnext calls/hour in PROVIDER_POLICY_OVERRIDES; BENCH_POLICY_OVERRIDES: the whole JSON instead
 *   BENCH_CONFIGS: comma-separated subset of naive,junction (default both)
 *   BENCH_QUIET_WAIT (60): seconds to wait for other work on the machine to settle before each configuration
 *   BENCH_PROFILE=1: CPU profile of the 1-process configuration (cpu-profile.preload.ts), top functions printed (slower: not comparable)
 *   RABBITMQ_URL (amqp://guest:guest@127.0.0.1:5672), TEST_DATABASE_URL/DATABASE_URL (Postgres server for createTestDatabase)
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { connect, type ChannelModel, type ConfirmChannel } from 'amqplib';
import { createMessage, type AnyMessage } from '@junction/contracts';
import { RabbitMqTransport, toOutgoing, type DeliveredMessage } from '@junction/messaging';
import { createTestDatabase, startAppProcess, withPgClient, type AppProcess, type TestDatabase } from '@junction/testing';
// The transport's own encoding (headers the topology's bindings match on), so the bench's raw confirm channel
// sends the bytes the outbox relay would, to the erp-worker's exchange and to the naive worker's queue alike.
// eslint-disable-next-line no-restricted-imports
import { encodeOutgoing, type EncodedMessage } from '../../libs/messaging/src/transports/rabbitmq/rabbitmq.codec';
import { formatProfile, summarizeProfile, type ProfileSummary } from '../ingress/profile-summary';
import { cpuWindow, waitForQuiet, type CpuSeconds } from './cpu';
import { SANDBOX_KEY, SANDBOX_SECRET } from './sandbox.process';

const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
const COMMANDS = num('BENCH_COMMANDS', 10_000);
const WARMUP = num('BENCH_WARMUP', 1_000);
const LATENCY_SECONDS = num('BENCH_LATENCY_SECONDS', 10);
const PROCESSES = (process.env.BENCH_PROCESSES ?? '1,2,4').split(',').map(Number);
const CONCURRENCY = num('BENCH_CONCURRENCY', 32);
const POOL = num('BENCH_POOL', 10);
const QUIET_WAIT_MS = num('BENCH_QUIET_WAIT', 60) * 1000;
const PROFILE = process.env.BENCH_PROFILE === '1';
const CONFIGS = (process.env.BENCH_CONFIGS ?? 'naive,junction').split(',');
const RABBIT = (process.env.RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672').replace(/\/+$/, '');
const POLICY_OVERRIDES =
  process.env.BENCH_POLICY_OVERRIDES ??
  JSON.stringify({ erpnext: { rateLimits: [{ kind: 'quota', name: 'erpnext-hourly', limit: num('BENCH_QUOTA', 100_000_000), window: 'hour' }] } });
/** Cores other processes may keep busy while a configuration starts. */
const QUIET_CORES = 0.3;
const DONE_TIMEOUT_MS = 180_000;
const TENANT = 'bench';

/** This file runs from <repo>/bench/results/e2e-dist/bench/e2e/ (a "dist" directory name, so profile-summary recognises its frames as Junction's). */
const BUILD = join(__dirname, '..', '..');
const ROOT = join(BUILD, '..', '..', '..');
const RESULTS = join(ROOT, 'bench', 'results');
const PROFILES = join(RESULTS, 'e2e-profiles');

const now = () => performance.timeOrigin + performance.now();

const WORKER_ENTRY = 'apps/erp-worker/src/main.js';

// ---------------------------------------------------------------------------------------------- broker

interface Vhost {
  url: string;
  name: string;
  isolated: boolean;
  drop(): void;
}

function rabbitmqctl(args: string[]): void {
  execFileSync('rabbitmqctl', args, { stdio: 'ignore', timeout: 60_000 });
}

/** A vhost of its own, so no other erp-worker on the broker (tests, other runs) takes the bench's commands. */
function createVhost(tag: string): Vhost {
  const name = `junction-bench-${tag}`;
  const user = decodeURIComponent(new URL(RABBIT).username || 'guest');
  try {
    rabbitmqctl(['add_vhost', name]);
    rabbitmqctl(['set_permissions', '-p', name, user, '.*', '.*', '.*']);
    return { url: `${RABBIT}/${encodeURIComponent(name)}`, name, isolated: true, drop: () => rabbitmqctl(['delete_vhost', name]) };
  } catch (error) {
    console.warn(`  (no vhost of its own: ${(error as Error).message.split('\n')[0]}; using the default vhost: stop other erp-workers on this broker)`);
    return { url: RABBIT, name: '/', isolated: false, drop: () => {} };
  }
}

/** The bench's raw publisher: a confirm channel, every message persistent, exactly as the outbox relay sends. */
class Publisher {
  private constructor(
    private readonly model: ChannelModel,
    private readonly channel: ConfirmChannel,
  ) {}

  static async open(url: string): Promise<Publisher> {
    const model = await connect(url);
    return new Publisher(model, await model.createConfirmChannel());
  }

  assertQueue(queue: string): Promise<unknown> {
    return this.channel.assertQueue(queue, { durable: true });
  }

  publish(exchange: string, routingKey: string, message: EncodedMessage): void {
    this.channel.publish(exchange, routingKey, message.content, message.options);
  }

  confirms(): Promise<void> {
    return this.channel.waitForConfirms();
  }

  async close(): Promise<void> {
    await this.model.close();
  }
}

// ---------------------------------------------------------------------------------------------- tracking

/** Publish and completion times per command id (epoch ms, sub-ms precision). */
class Tracker {
  private readonly published = new Map<string, number>();
  private readonly done = new Map<string, number>();
  private waiting?: { ids: readonly string[]; resolve: () => void };
  failed = 0;
  unknown = 0;

  sent(id: string, at: number): void {
    this.published.set(id, at);
  }

  completed(id: string, at: number): void {
    if (!this.published.has(id)) {
      this.unknown += 1;
      return;
    }
    if (!this.done.has(id)) this.done.set(id, at);
    if (this.waiting && this.done.size >= this.published.size) {
      const { resolve } = this.waiting;
      this.waiting = undefined;
      resolve();
    }
  }

  /** Resolves once every sent command completed; rejects after `timeoutMs` naming how many are missing. */
  async all(timeoutMs: number): Promise<void> {
    if (this.done.size >= this.published.size) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      new Promise<void>((resolve) => (this.waiting = { ids: [], resolve })),
      new Promise<void>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${this.published.size - this.done.size} of ${this.published.size} commands not completed within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  /** Latencies (ms) of the commands sent since the last reset, and the first publish / last completion. */
  figures(): { latencies: number[]; firstSent: number; lastDone: number } {
    const latencies: number[] = [];
    let firstSent = Infinity;
    let lastDone = 0;
    for (const [id, sentAt] of this.published) {
      const doneAt = this.done.get(id);
      firstSent = Math.min(firstSent, sentAt);
      if (doneAt === undefined) continue;
      latencies.push(doneAt - sentAt);
      lastDone = Math.max(lastDone, doneAt);
    }
    return { latencies: latencies.sort((a, b) => a - b), firstSent, lastDone };
  }

  reset(): void {
    this.published.clear();
    this.done.clear();
    this.failed = 0;
    this.unknown = 0;
  }
}

const quantile = (sorted: readonly number[], q: number) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!);

// ---------------------------------------------------------------------------------------------- targets

/** What is measured: where commands go and how completions come back. */
interface Target {
  readonly name: string;
  readonly processes: number;
  readonly pids: number[];
  /** Sends one command (already encoded). */
  send(message: EncodedMessage): void;
  stop(): Promise<void>;
  /** Checks after the run: sandbox Customers and (Junction) ledger/processed/outbox rows. */
  checks(): Promise<Record<string, number>>;
}

interface Context {
  run: string;
  vhost: Vhost;
  publisher: Publisher;
  tracker: Tracker;
  sandbox: SandboxChild;
}

const NAIVE_QUEUE = 'bench.naive.commands';

async function startNaive(ctx: Context): Promise<Target> {
  await ctx.publisher.assertQueue(NAIVE_QUEUE);
  const child = fork(join(__dirname, 'naive.worker.js'), [], {
    env: {
      PATH: process.env.PATH ?? '',
      NAIVE_AMQP_URL: ctx.vhost.url,
      NAIVE_QUEUE,
      NAIVE_PREFETCH: String(CONCURRENCY),
      ERPNEXT_URL: ctx.sandbox.url,
      ERPNEXT_API_KEY: SANDBOX_KEY,
      ERPNEXT_API_SECRET: SANDBOX_SECRET,
    },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`naive worker exited ${code} before it was ready`)));
    child.on('message', (m: { ready?: boolean; done?: Array<[string, number]>; failures?: number }) => {
      if (m.ready) resolve();
      for (const [id, at] of m.done ?? []) ctx.tracker.completed(id, at);
    });
  });
  return {
    name: 'naive',
    processes: 1,
    pids: [child.pid!],
    send: (message) => ctx.publisher.publish('', NAIVE_QUEUE, message),
    stop: () => stopChild(child),
    checks: async () => ({ sandboxCustomers: await ctx.sandbox.customers() }),
  };
}

async function startJunction(ctx: Context, processes: number, db: TestDatabase, profile: boolean): Promise<Target & { observer: RabbitMqTransport }> {
  const entry = WORKER_ENTRY;
  const env = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    BUS: 'rabbitmq',
    RABBITMQ_URL: ctx.vhost.url,
    DATABASE_URL: db.url,
    DATABASE_POOL_MAX: String(POOL),
    CONSUMER_CONCURRENCY: String(CONCURRENCY),
    HOST: '127.0.0.1',
    PORT: '0',
    TENANT_ID: TENANT,
    ERPNEXT_URL: ctx.sandbox.url,
    ERPNEXT_API_KEY: SANDBOX_KEY,
    ERPNEXT_API_SECRET: SANDBOX_SECRET,
    PROVIDER_POLICY_OVERRIDES: POLICY_OVERRIDES,
    NODE_OPTIONS: profile ? `--require ${join(__dirname, 'cpu-profile.preload.js')}` : undefined,
    BENCH_CPU_PROF_DIR: profile ? PROFILES : undefined,
  };
  const workers: AppProcess[] = [];
  // One at a time: the first applies the topology; all of them racing to declare it only slows the start.
  for (let i = 0; i < processes; i++) workers.push(await startAppProcess(entry, env, { timeoutMs: 60_000 }));
  const observer = new RabbitMqTransport({ url: ctx.vhost.url, connectionName: `bench-observer-${ctx.run}` });
  await observer.connect();
  await observer.subscribe(
    { topic: 'erp.events', subscription: `bench-observer`, types: ['erp.customer.created', 'erp.customer.create.failed'], maxDeliveryCount: 3, concurrency: 256 },
    async (m: DeliveredMessage) => {
      const at = now();
      const body = m.body as AnyMessage;
      if (body.type === 'erp.customer.create.failed') ctx.tracker.failed += 1;
      ctx.tracker.completed((body.payload as { commandId: string }).commandId, at);
      return { action: 'complete' };
    },
  );
  return {
    name: `junction×${processes}`,
    processes,
    pids: workers.map((w) => w.child.pid!),
    observer,
    send: (message) => ctx.publisher.publish('erp.commands', '', message),
    stop: async () => {
      await observer.close();
      const codes = await Promise.all(workers.map((w) => w.stop()));
      if (codes.some((c) => c !== 0)) console.warn(`  (worker exit codes ${codes.join(', ')}):\n${workers.map((w) => w.output().slice(-2_000)).join('\n')}`);
    },
    checks: async () => {
      const rows = await withPgClient(db.url, async (pg) => {
        const count = async (sql: string) => Number((await pg.query<{ n: string }>(sql)).rows[0]!.n);
        return {
          ledgerRows: await count(`SELECT count(*) AS n FROM effect_ledger WHERE outcome = 'created'`),
          outboxLeft: await count('SELECT count(*) AS n FROM outbox_message'),
        };
      });
      return { sandboxCustomers: await ctx.sandbox.customers(), ...rows };
    },
  };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.disconnect();
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------- sandbox

interface SandboxChild {
  url: string;
  pid: number;
  reset(): Promise<void>;
  customers(): Promise<number>;
  stop(): Promise<void>;
}

async function startSandbox(): Promise<SandboxChild> {
  const child = fork(join(__dirname, 'sandbox.process.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const ask = <T>(message: string, key: string) =>
    new Promise<T>((resolve) => {
      const on = (m: Record<string, unknown>) => {
        if (key in m) {
          child.off('message', on);
          resolve(m[key] as T);
        }
      };
      child.on('message', on);
      child.send(message);
    });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`sandbox exited ${code} before it was ready`)));
    child.once('message', (m: { ready: string }) => resolve(m.ready));
  });
  return {
    url,
    pid: child.pid!,
    reset: async () => void (await ask<boolean>('reset', 'reset')),
    customers: () => ask<number>('count', 'customers'),
    stop: () => stopChild(child),
  };
}

// ---------------------------------------------------------------------------------------------- phases

let commandSeq = 0;

function commands(run: string, count: number): Array<{ id: string; encoded: EncodedMessage }> {
  const out: Array<{ id: string; encoded: EncodedMessage }> = [];
  for (let i = 0; i < count; i++) {
    commandSeq += 1;
    const command = createMessage('erp.customer.create', { customerName: `Bench ${run} ${commandSeq}`, customerType: 'Company' }, { tenantId: TENANT });
    out.push({ id: command.id, encoded: encodeOutgoing(toOutgoing(command)) });
  }
  return out;
}

/** Publishes everything as fast as the broker confirms (confirm every 500), then waits for every completion. */
async function burst(ctx: Context, target: Target, count: number): Promise<{ publishSeconds: number }> {
  const batch = commands(ctx.run, count);
  const t0 = now();
  for (let i = 0; i < batch.length; i++) {
    ctx.tracker.sent(batch[i]!.id, now());
    target.send(batch[i]!.encoded);
    if (i % 500 === 499) await ctx.publisher.confirms();
  }
  await ctx.publisher.confirms();
  const publishSeconds = (now() - t0) / 1000;
  await ctx.tracker.all(DONE_TIMEOUT_MS);
  return { publishSeconds };
}

/** `rate` commands per second for `seconds`, each sent at its own due time (checked every millisecond). */
async function paced(ctx: Context, target: Target, rate: number, seconds: number): Promise<{ sentRate: number }> {
  const batch = commands(ctx.run, Math.max(1, Math.round(rate * seconds)));
  const t0 = now();
  let i = 0;
  while (i < batch.length) {
    const due = Math.min(batch.length, Math.floor(((now() - t0) / 1000) * rate) + 1);
    for (; i < due; i++) {
      ctx.tracker.sent(batch[i]!.id, now());
      target.send(batch[i]!.encoded);
    }
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const sentRate = batch.length / ((now() - t0) / 1000);
  await ctx.publisher.confirms();
  await ctx.tracker.all(DONE_TIMEOUT_MS);
  return { sentRate };
}

// ---------------------------------------------------------------------------------------------- measure

interface Result {
  config: string;
  processes: number;
  peak: { commands: number; seconds: number; commandsPerSecond: number; publishPerSecond: number; p50Ms: number; p99Ms: number };
  latency: { targetRate: number; sentRate: number; commands: number; p50Ms: number; p90Ms: number; p99Ms: number; maxMs: number };
  /** CPU milliseconds per command over the peak window, per process group. */
  cpuMsPerCommand: Record<keyof Omit<CpuSeconds, 'wallSeconds' | 'cores' | 'machineBusy' | 'other'> | 'total' | 'other', number>;
  /** Cores busy during the peak window (machine, and per group). */
  coresBusy: { machine: number; workers: number; sandbox: number; postgres: number; rabbitmq: number; bench: number; other: number; of: number };
  busyAtStart?: number;
  failedEvents: number;
  checks: Record<string, number>;
  pg?: { commitsPerCommand: number; rowsWrittenPerCommand: Record<string, number> };
  profile?: ProfileSummary;
}

async function pgCounters(url: string): Promise<{ commits: number; tables: Map<string, number> }> {
  return withPgClient(url, async (pg) => {
    const commits = Number((await pg.query<{ n: string }>('SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()')).rows[0]!.n);
    const { rows } = await pg.query<{ relname: string; n: string }>('SELECT relname, n_tup_ins + n_tup_upd + n_tup_del AS n FROM pg_stat_user_tables');
    return { commits, tables: new Map(rows.map((r) => [r.relname, Number(r.n)])) };
  });
}

async function measure(config: string, processes: number, ctx: Context): Promise<Result> {
  await ctx.sandbox.reset();
  const quiet = QUIET_WAIT_MS > 0 ? await waitForQuiet(QUIET_CORES, QUIET_WAIT_MS) : undefined;
  if (quiet && !quiet.quiet) console.warn(`  (machine still busy: ${quiet.otherCores.toFixed(2)} cores used by other processes; measuring anyway)`);
  const profile = PROFILE && config === 'junction' && processes === 1;
  let db: TestDatabase | undefined;
  let target: Target;
  if (config === 'naive') target = await startNaive(ctx);
  else {
    db = await createTestDatabase();
    target = await startJunction(ctx, processes, db, profile);
  }
  try {
    ctx.tracker.reset();
    await burst(ctx, target, WARMUP);

    // Peak.
    ctx.tracker.reset();
    const pg0 = db ? await pgCounters(db.url) : undefined;
    const closeCpu = cpuWindow(target.pids, ctx.sandbox.pid);
    const fromUs = Number(process.hrtime.bigint() / 1000n);
    const { publishSeconds } = await burst(ctx, target, COMMANDS);
    const toUs = Number(process.hrtime.bigint() / 1000n);
    const cpu = closeCpu();
    const pg1 = db ? await pgCounters(db.url) : undefined;
    const peakFigures = ctx.tracker.figures();
    const seconds = (peakFigures.lastDone - peakFigures.firstSent) / 1000;
    const failedEvents = ctx.tracker.failed;
    const peakRate = COMMANDS / seconds;

    // Latency at half the peak rate.
    ctx.tracker.reset();
    const targetRate = Math.max(1, Math.round(peakRate / 2));
    const { sentRate } = await paced(ctx, target, targetRate, LATENCY_SECONDS);
    const lat = ctx.tracker.figures().latencies;

    const perCommand = (s: number) => (s * 1000) / COMMANDS;
    const perCore = (s: number) => s / cpu.wallSeconds;
    const result: Result = {
      config: target.name,
      processes,
      peak: {
        commands: COMMANDS,
        seconds,
        commandsPerSecond: peakRate,
        publishPerSecond: COMMANDS / publishSeconds,
        p50Ms: quantile(peakFigures.latencies, 0.5),
        p99Ms: quantile(peakFigures.latencies, 0.99),
      },
      latency: { targetRate, sentRate, commands: lat.length, p50Ms: quantile(lat, 0.5), p90Ms: quantile(lat, 0.9), p99Ms: quantile(lat, 0.99), maxMs: lat.at(-1) ?? NaN },
      cpuMsPerCommand: {
        workers: perCommand(cpu.workers),
        sandbox: perCommand(cpu.sandbox),
        postgres: perCommand(cpu.postgres),
        rabbitmq: perCommand(cpu.rabbitmq),
        bench: perCommand(cpu.bench),
        other: perCommand(cpu.other),
        total: perCommand(cpu.machineBusy),
      },
      coresBusy: {
        machine: perCore(cpu.machineBusy),
        workers: perCore(cpu.workers),
        sandbox: perCore(cpu.sandbox),
        postgres: perCore(cpu.postgres),
        rabbitmq: perCore(cpu.rabbitmq),
        bench: perCore(cpu.bench),
        other: perCore(cpu.other),
        of: cpu.cores,
      },
      busyAtStart: quiet && !quiet.quiet ? quiet.otherCores : undefined,
      failedEvents,
      checks: {},
    };
    if (pg0 && pg1) {
      const rowsWrittenPerCommand: Record<string, number> = {};
      for (const [table, n] of pg1.tables) {
        const d = n - (pg0.tables.get(table) ?? 0);
        if (d > 0) rowsWrittenPerCommand[table] = d / COMMANDS;
      }
      result.pg = { commitsPerCommand: (pg1.commits - pg0.commits) / COMMANDS, rowsWrittenPerCommand };
    }
    await target.stop();
    result.checks = { commandsSent: WARMUP + COMMANDS + lat.length, ...(await target.checks()) };
    if (profile) {
      const files = readdirSync(PROFILES).filter((f) => f.endsWith('.cpuprofile'));
      const newest = files.map((f) => join(PROFILES, f)).sort().at(-1);
      if (newest) result.profile = summarizeProfile(newest, { fromUs, toUs, requests: COMMANDS });
    }
    return result;
  } finally {
    await target.stop().catch(() => {});
    await db?.drop();
  }
}

// ---------------------------------------------------------------------------------------------- report

const f0 = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '-');
const f1 = (n: number) => (Number.isFinite(n) ? n.toFixed(1) : '-');
const f2 = (n: number) => (Number.isFinite(n) ? n.toFixed(2) : '-');

function table(results: readonly Result[]): string {
  const naive = results.find((r) => r.config === 'naive');
  const head = ['config', 'cmd/s', '×naive', 'peak p50/p99', 'half-peak rate', 'p50', 'p99', 'max', 'CPU ms/cmd: workers', 'sandbox', 'pg', 'mq', 'bench', 'all', 'cores busy'];
  const rows = results.map((r) => [
    r.config,
    f0(r.peak.commandsPerSecond),
    naive ? f2(r.peak.commandsPerSecond / naive.peak.commandsPerSecond) : '-',
    `${f0(r.peak.p50Ms)}/${f0(r.peak.p99Ms)} ms`,
    `${f0(r.latency.sentRate)}/s`,
    `${f1(r.latency.p50Ms)} ms`,
    `${f1(r.latency.p99Ms)} ms`,
    `${f0(r.latency.maxMs)} ms`,
    f2(r.cpuMsPerCommand.workers),
    f2(r.cpuMsPerCommand.sandbox),
    f2(r.cpuMsPerCommand.postgres),
    f2(r.cpuMsPerCommand.rabbitmq),
    f2(r.cpuMsPerCommand.bench),
    f2(r.cpuMsPerCommand.total),
    `${f2(r.coresBusy.machine)}/${r.coresBusy.of}`,
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}

function goals(results: readonly Result[]) {
  const naive = results.find((r) => r.config === 'naive');
  const junction = results.filter((r) => r.config.startsWith('junction'));
  const one = junction.find((r) => r.processes === 1);
  const scaling = junction.map((r, i) => {
    const previous = junction[i - 1];
    return {
      processes: r.processes,
      commandsPerSecond: Math.round(r.peak.commandsPerSecond),
      gainOverPrevious: previous ? r.peak.commandsPerSecond / previous.peak.commandsPerSecond : undefined,
      machineCoresBusy: Number(r.coresBusy.machine.toFixed(2)),
    };
  });
  return {
    oneProcessAtLeast1000PerSecond: one ? { value: Math.round(one.peak.commandsPerSecond), met: one.peak.commandsPerSecond >= 1_000 } : undefined,
    atLeast08OfNaive: one && naive ? { value: Number((one.peak.commandsPerSecond / naive.peak.commandsPerSecond).toFixed(3)), met: one.peak.commandsPerSecond >= 0.8 * naive.peak.commandsPerSecond } : undefined,
    p99AtHalfPeakAtMost100Ms: junction.map((r) => ({ config: r.config, p99Ms: Number(r.latency.p99Ms.toFixed(1)), met: r.latency.p99Ms <= 100 })),
    scaling,
  };
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const run = randomUUID().slice(0, 8);
  if (PROFILE) {
    rmSync(PROFILES, { recursive: true, force: true });
    mkdirSync(PROFILES, { recursive: true });
  }
  const plan: Array<{ config: string; processes: number }> = [
    ...(CONFIGS.includes('naive') ? [{ config: 'naive', processes: 1 }] : []),
    ...(CONFIGS.includes('junction') ? PROCESSES.map((processes) => ({ config: 'junction', processes })) : []),
  ];
  console.log(
    `bench:e2e run ${run}: ${COMMANDS} commands at peak (+${WARMUP} warm-up), ${LATENCY_SECONDS} s at half peak; ` +
      `CONSUMER_CONCURRENCY=${CONCURRENCY} DATABASE_POOL_MAX=${POOL} (naive prefetch ${CONCURRENCY}); ${cpus().length} cores, Node ${process.version}`,
  );
  const sandbox = await startSandbox();
  const results: Result[] = [];
  try {
    for (const step of plan) {
      const vhost = createVhost(`${run}-${step.config}-${step.processes}`);
      const publisher = await Publisher.open(vhost.url);
      const ctx: Context = { run, vhost, publisher, tracker: new Tracker(), sandbox };
      try {
        process.stdout.write(`${step.config}${step.config === 'junction' ? ` ×${step.processes}` : ''} … `);
        const result = await measure(step.config, step.processes, ctx);
        results.push(result);
        console.log(
          `${f0(result.peak.commandsPerSecond)} cmd/s; at ${f0(result.latency.sentRate)}/s p50 ${f1(result.latency.p50Ms)} ms p99 ${f1(result.latency.p99Ms)} ms; ` +
            `${f2(result.cpuMsPerCommand.total)} CPU ms/cmd; checks ${JSON.stringify(result.checks)}${result.failedEvents ? `; ${result.failedEvents} FAILED events` : ''}`,
        );
        if (result.profile) console.log(formatProfile(result.profile));
      } finally {
        await publisher.close().catch(() => {});
        vhost.drop();
      }
    }
  } finally {
    await sandbox.stop();
  }

  console.log(`\n${table(results)}\n`);
  console.log('latency: junction = command published → erp.customer.created received by an observer subscription; naive = command published → acked (it sends no event)');
  const goalFigures = goals(results);
  console.log(`goals: ${JSON.stringify(goalFigures, null, 2)}`);
  for (const r of results) if (r.pg) console.log(`${r.config}: ${f2(r.pg.commitsPerCommand)} commits/command; rows written per command ${JSON.stringify(Object.fromEntries(Object.entries(r.pg.rowsWrittenPerCommand).map(([k, v]) => [k, Number(v.toFixed(2))])))}`);

  if (!existsSync(RESULTS)) mkdirSync(RESULTS, { recursive: true });
  writeFileSync(
    join(RESULTS, 'e2e.json'),
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        machine: { cores: cpus().length, cpu: cpus()[0]?.model, node: process.version },
        settings: {
          commands: COMMANDS,
          warmup: WARMUP,
          latencySeconds: LATENCY_SECONDS,
          CONSUMER_CONCURRENCY: CONCURRENCY,
          DATABASE_POOL_MAX: POOL,
          naivePrefetch: CONCURRENCY,
          PROVIDER_POLICY_OVERRIDES: JSON.parse(POLICY_OVERRIDES) as unknown,
          LOG_LEVEL: 'warn',
          workerEntry: WORKER_ENTRY,
          profiled: PROFILE,
        },
        goals: goalFigures,
        results: results.map(({ profile, ...r }) => ({ ...r, profileTop: profile ? { components: profile.components, functions: profile.functions?.slice(0, 15) } : undefined })),
      },
      null,
      2,
    )}\n`,
  );
  console.log(`wrote ${join(RESULTS, 'e2e.json')}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  },
);
