/**
 * Trending terms: a term trends when the share of documents mentioning it in the latest window rises well above its
 * share in the baseline window just before. Counting documents (not occurrences) keeps one spammy post from making a
 * trend. The score is a smoothed log₂ ratio of the two shares (additive smoothing, so a term absent from the baseline
 * gets a finite score that grows with its window count); a two-proportion z-test keeps only rises unlikely to be
 * noise, and `minCount` drops terms too rare to matter.
 */
import { round, terms } from './text';

export interface TrendDocument {
  text: string;
  /** Seconds since the epoch. */
  createdUtc: number;
}

export interface TrendOptions {
  /** The latest window: [windowStart, windowEnd) in seconds; documents after windowEnd count in it too (clock skew). */
  windowStart: number;
  windowEnd: number;
  /** The baseline: [baselineStart, windowStart). */
  baselineStart: number;
  minCount: number;
  top: number;
  /** Smoothing pseudo-count (default 0.5). */
  alpha?: number;
  /** Minimum z of the rise (default 1.96, ~95 % one-sided 97.5 %). */
  minZ?: number;
}

export interface Trend {
  term: string;
  score: number;
  /** Documents in the window / baseline mentioning the term. */
  windowCount: number;
  baselineCount: number;
  /** Of every 1,000 documents in the window / baseline, how many mention the term. */
  windowRate: number;
  baselineRate: number;
  z: number;
}

export interface TrendResult {
  windowDocuments: number;
  baselineDocuments: number;
  trends: Trend[];
}

function documentFrequencies(docs: readonly TrendDocument[]): Map<string, number> {
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of new Set(terms(doc.text))) df.set(term, (df.get(term) ?? 0) + 1);
  return df;
}

export function detectTrends(docs: readonly TrendDocument[], options: TrendOptions): TrendResult {
  const alpha = options.alpha ?? 0.5;
  const minZ = options.minZ ?? 1.96;
  const window = docs.filter((d) => d.createdUtc >= options.windowStart);
  const baseline = docs.filter((d) => d.createdUtc >= options.baselineStart && d.createdUtc < options.windowStart);
  const nw = window.length;
  const nb = baseline.length;
  const dfWindow = documentFrequencies(window);
  const dfBaseline = documentFrequencies(baseline);

  const trends: Trend[] = [];
  for (const [term, cw] of dfWindow) {
    if (cw < options.minCount) continue;
    const cb = dfBaseline.get(term) ?? 0;
    const pw = (cw + alpha) / (nw + 2 * alpha);
    const pb = (cb + alpha) / (nb + 2 * alpha);
    const score = Math.log2(pw / pb);
    if (score <= 0) continue;
    // Two-proportion z on the smoothed shares (pooled variance).
    const pooled = (cw + cb + alpha) / (nw + nb + 2 * alpha);
    const se = Math.sqrt(pooled * (1 - pooled) * (1 / Math.max(nw, 1) + 1 / Math.max(nb, 1)));
    const z = se > 0 ? (pw - pb) / se : 0;
    if (z < minZ) continue;
    trends.push({
      term,
      score: round(score),
      windowCount: cw,
      baselineCount: cb,
      windowRate: round(nw === 0 ? 0 : (cw / nw) * 1000, 2),
      baselineRate: round(nb === 0 ? 0 : (cb / nb) * 1000, 2),
      z: round(z, 2),
    });
  }
  trends.sort((a, b) => b.score - a.score || b.windowCount - a.windowCount || a.term.localeCompare(b.term));
  return { windowDocuments: nw, baselineDocuments: nb, trends: trends.slice(0, options.top) };
}
