/** Figures of one client in one phase: latencies in µs, throughput, and the bench process's CPU per call. */
export interface Summary {
  readonly calls: number;
  readonly p50Us: number;
  readonly p95Us: number;
  readonly p99Us: number;
  /** Calls divided by the time spent making them (sequential: one in flight; concurrent: the phase's wall time). */
  readonly callsPerSecond: number;
  /** User + system CPU of this process (the client side only) per call. */
  readonly clientCpuUsPerCall: number;
}

/** What one client recorded over its rounds of one phase. */
export class Samples {
  readonly latenciesMs: number[] = [];
  /** Per round, for ratios paired by round. */
  readonly rounds: { latenciesMs: number[]; wallMs: number; cpuUs: number }[] = [];

  add(latenciesMs: number[], wallMs: number, cpuUs: number): void {
    this.latenciesMs.push(...latenciesMs);
    this.rounds.push({ latenciesMs, wallMs, cpuUs });
  }

  summary(): Summary {
    const wallMs = this.rounds.reduce((s, r) => s + r.wallMs, 0);
    const cpuUs = this.rounds.reduce((s, r) => s + r.cpuUs, 0);
    const calls = this.latenciesMs.length;
    return {
      calls,
      ...percentiles(this.latenciesMs),
      callsPerSecond: round((calls / wallMs) * 1000, 0),
      clientCpuUsPerCall: round(cpuUs / calls),
    };
  }
}

export function percentiles(samplesMs: readonly number[]): { p50Us: number; p95Us: number; p99Us: number } {
  const us = samplesMs.map((ms) => ms * 1000).sort((a, b) => a - b);
  const at = (q: number) => round(us[Math.min(us.length - 1, Math.floor(q * us.length))]!);
  return { p50Us: at(0.5), p95Us: at(0.95), p99Us: at(0.99) };
}

/**
 * Median over rounds of `of`'s figure divided by `base`'s in the same round. The two clients' rounds of one index ran
 * back to back, so a slow phase of this shared machine (which drifts over seconds) hits both sides of each ratio.
 */
export function pairedRatio(of: Samples, base: Samples, figure: (round: Samples['rounds'][number]) => number): number {
  const ratios = of.rounds.map((r, i) => figure(r) / figure(base.rounds[i]!)).sort((a, b) => a - b);
  return round(ratios[Math.floor(ratios.length / 2)]!, 3);
}

export const roundP50 = (r: Samples['rounds'][number]): number => percentiles(r.latenciesMs).p50Us;
export const roundCallsPerSecond = (r: Samples['rounds'][number]): number => r.latenciesMs.length / r.wallMs;

export const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}
