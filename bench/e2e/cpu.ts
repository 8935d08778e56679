/**
 * CPU accounting from /proc (process.cpuUsage() only sees the calling process): utime + stime of the
 * workers, the sandbox, every Postgres process, the RabbitMQ VM, this process, and the whole machine.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const CLK_TCK = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** utime + stime of one process in seconds (0 if it is gone). */
export function processCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** CPU seconds of every process whose command name is one of `names`, by pid. */
function byName(names: readonly string[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let comm: string;
    try {
      comm = readFileSync(`/proc/${entry}/comm`, 'utf8').trim();
    } catch {
      continue;
    }
    if (names.includes(comm)) out.set(Number(entry), processCpuSeconds(Number(entry)));
  }
  return out;
}

function machineCpu(): { busy: number; total: number } {
  const values = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((s, v) => s + v, 0) / CLK_TCK;
  const idle = ((values[3] ?? 0) + (values[4] ?? 0)) / CLK_TCK;
  return { busy: total - idle, total };
}

/** CPU seconds used in a window, per group. */
export interface CpuSeconds {
  workers: number;
  sandbox: number;
  postgres: number;
  rabbitmq: number;
  /** This process: publisher and observer. */
  bench: number;
  machineBusy: number;
  /** Busy time no group above accounts for (other users of the machine). */
  other: number;
  wallSeconds: number;
  cores: number;
}

function delta(after: Map<number, number>, before: Map<number, number>): number {
  let sum = 0;
  for (const [pid, seconds] of after) sum += seconds - (before.get(pid) ?? 0);
  return sum;
}

/** Opens a CPU window over the given worker pids and the sandbox; the returned function closes it. */
export function cpuWindow(workerPids: readonly number[], sandboxPid: number): () => CpuSeconds {
  const t0 = performance.now();
  const workers0 = workerPids.map(processCpuSeconds);
  const sandbox0 = processCpuSeconds(sandboxPid);
  const pg0 = byName(['postgres']);
  const mq0 = byName(['beam.smp']);
  const self0 = process.cpuUsage();
  const machine0 = machineCpu();
  return () => {
    const wallSeconds = (performance.now() - t0) / 1000;
    const workers = workerPids.reduce((s, pid, i) => s + processCpuSeconds(pid) - workers0[i]!, 0);
    const sandbox = processCpuSeconds(sandboxPid) - sandbox0;
    const postgres = delta(byName(['postgres']), pg0);
    const rabbitmq = delta(byName(['beam.smp']), mq0);
    const self = process.cpuUsage(self0);
    const bench = (self.user + self.system) / 1e6;
    const machine1 = machineCpu();
    const machineBusy = machine1.busy - machine0.busy;
    return {
      workers,
      sandbox,
      postgres,
      rabbitmq,
      bench,
      machineBusy,
      other: Math.max(0, machineBusy - workers - sandbox - postgres - rabbitmq - bench),
      wallSeconds,
      cores: Math.round((machine1.total - machine0.total) / wallSeconds),
    };
  };
}

/** Waits until the machine minus this process has used under `maxCores` for one second, or gives up. */
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
    if (otherCores <= maxCores || waitedMs >= timeoutMs) return { quiet: otherCores <= maxCores, otherCores, waitedMs };
  }
}
