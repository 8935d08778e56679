/**
 * Servers under test as child processes (one at a time, so an idle server's timers or outbox relay never
 * run during another's measurement), and CPU accounting from /proc: the server, every Postgres process,
 * this process (the load generator) and the whole machine.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { request } from 'undici';

export interface Child {
  readonly name: string;
  readonly url: string;
  readonly pid: number;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

const running = new Set<ChildProcess>();

/** Last resort on any exit of the bench process: no server outlives it (only the children it started). */
export function killChildren(): void {
  for (const child of running) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}

export async function startChild(options: { name: string; args: string[]; env: Record<string, string>; port: number; readyTimeoutMs?: number }): Promise<Child> {
  const child = spawn(process.execPath, options.args, { env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  running.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-8_000);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  void exited.then(() => running.delete(child));

  const url = `http://127.0.0.1:${options.port}`;
  const deadline = Date.now() + (options.readyTimeoutMs ?? 60_000);
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${options.name} exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${options.name} was not ready within ${options.readyTimeoutMs ?? 60_000} ms:\n${output}`);
    }
    const status = await request(`${url}/health/ready`).then(
      async (res) => {
        await res.body.dump();
        return res.statusCode;
      },
      () => 0,
    );
    if (status === 200) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    name: options.name,
    url,
    pid: child.pid!,
    stop: async (graceMs = 30_000) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      if (child.exitCode !== 0 && child.signalCode === null) console.warn(`${options.name} exited ${child.exitCode} on SIGTERM:\n${output}`);
    },
  };
}

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one process, in seconds (0 if it is gone). */
function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name, which may itself hold spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Every process named `postgres` (server, backends, WAL writer…), by pid. */
function postgresCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() !== 'postgres') continue;
    } catch {
      continue;
    }
    out.set(Number(entry), processCpuSeconds(Number(entry)));
  }
  return out;
}

/** Busy and total CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const values = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((s, v) => s + v, 0) / CLK_TCK;
  const idle = ((values[3] ?? 0) + (values[4] ?? 0)) / CLK_TCK;
  return { busy: total - idle, total };
}

export interface CpuShare {
  /** CPU seconds used per wall second (1.0 = one core) during the window. */
  server: number;
  postgres: number;
  loadGenerator: number;
  machineBusy: number;
  /** Everything else on the machine (other users of this host). */
  other: number;
  cores: number;
}

/** Starts a CPU window; the returned function closes it. Postgres backends started inside the window count from 0. */
export function cpuWindow(serverPid: number): () => CpuShare {
  const t0 = performance.now();
  const server0 = processCpuSeconds(serverPid);
  const pg0 = postgresCpu();
  const self0 = process.cpuUsage();
  const machine0 = machineCpu();
  return () => {
    const wall = (performance.now() - t0) / 1000;
    const server = processCpuSeconds(serverPid) - server0;
    let postgres = 0;
    for (const [pid, seconds] of postgresCpu()) postgres += seconds - (pg0.get(pid) ?? 0);
    const self = process.cpuUsage(self0);
    const loadGenerator = (self.user + self.system) / 1e6;
    const machine1 = machineCpu();
    const machineBusy = machine1.busy - machine0.busy;
    const cores = (machine1.total - machine0.total) / wall;
    return {
      server: server / wall,
      postgres: postgres / wall,
      loadGenerator: loadGenerator / wall,
      machineBusy: machineBusy / wall,
      other: Math.max(0, (machineBusy - server - postgres - loadGenerator) / wall),
      cores: Math.round(cores),
    };
  };
}

/**
 * On a shared machine other work (a build, a test run) steals the cores the figures depend on: waits until
 * everything but this process has used under `maxCores` for one second, or gives up after `timeoutMs`.
 * Returns the last sample (cores busy outside this process) and whether it was quiet.
 */
export async function waitForQuiet(maxCores: number, timeoutMs: number): Promise<{ quiet: boolean; otherCores: number; waitedMs: number }> {
  const t0 = performance.now();
  for (;;) {
    const machine0 = machineCpu();
    const self0 = process.cpuUsage();
    const w0 = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const wall = (performance.now() - w0) / 1000;
    const self = process.cpuUsage(self0);
    const otherCores = Math.max(0, (machineCpu().busy - machine0.busy - (self.user + self.system) / 1e6) / wall);
    const waitedMs = performance.now() - t0;
    if (otherCores <= maxCores) return { quiet: true, otherCores, waitedMs };
    if (waitedMs >= timeoutMs) return { quiet: false, otherCores, waitedMs };
  }
}
