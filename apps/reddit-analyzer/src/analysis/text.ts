/** Tokenising for term statistics: lower case, URLs and markup out, English stop words (the `stopword` list) out. */
import { eng, removeStopwords } from 'stopword';

/** Words that carry no topic on Reddit in particular. */
const REDDIT_STOP_WORDS = ['deleted', 'removed', 'edit', 'http', 'https', 'www', 'com', 'amp', 'gt', 'lt', 'nbsp', 'reddit', 'subreddit', 'post', 'thread', 'comment', 'comments', 'lol', 'just', 'like', 'get', 'got', 'one', 'also', 'really', 'would', 'could', 'will', 'can', 'dont', 'don', 'im', 'ive', 'its', 'thats', 'anyone', 'thanks', 'yes', 'yeah'];
const STOP = [...eng, ...REDDIT_STOP_WORDS];

/** Distinct-order terms of a text: 3+ letters, not a number, not a stop word. */
export function terms(text: string): string[] {
  const words = text
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/\/?[ru]\/[a-z0-9_]+/g, ' ')
    .replace(/['’]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3 && w.length <= 40 && !/^\d+$/.test(w));
  return removeStopwords(words, STOP);
}

/** Nearest-rank quantile of ascending `sorted` (q in 0..1); 0 for an empty list. */
export function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length)));
  return sorted[rank - 1]!;
}

export function round(n: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}
