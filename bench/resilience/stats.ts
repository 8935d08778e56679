export interface Summary {
  readonly calls: number;
  readonly meanUs: number;
  readonly p50Us: number;
  readonly p99Us: number;
}

/** Per-call samples in ms → µs summary. */
export function summarize(samplesMs: readonly number[]): Summary {
  const us = samplesMs.map((ms) => ms * 1000).sort((a, b) => a - b);
  const at = (q: number) => us[Math.min(us.length - 1, Math.floor(q * us.length))]!;
  const mean = us.reduce((s, v) => s + v, 0) / us.length;
  return { calls: us.length, meanUs: round(mean), p50Us: round(at(0.5)), p99Us: round(at(0.99)) };
}

export const round = (v: number, digits = 1): number => Math.round(v * 10 ** digits) / 10 ** digits;

export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')).join('\n');
}

/**
 * Median over rounds of (p50 of `of` − p50 of `base`) / p50 of `base`, each round's samples taken back to
 * back. On a shared VM the whole machine drifts between fast and slow phases lasting seconds; comparing
 * within a round cancels that, where pooled percentiles can put one scenario's slow phase against
 * another's fast one.
 */
export function pairedP50Ratio(of: readonly (readonly number[])[], base: readonly (readonly number[])[]): number {
  const ratios = of.map((samples, i) => {
    const [a, b] = [summarize(samples).p50Us, summarize(base[i]!).p50Us];
    return (a - b) / b;
  });
  ratios.sort((x, y) => x - y);
  return round(ratios[Math.floor(ratios.length / 2)]!, 3);
}
