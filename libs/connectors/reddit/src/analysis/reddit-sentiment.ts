/**
 * Sentiment with the AFINN-165 lexicon (npm `sentiment`: 3,382 scored words and emoticons, negation handled — "not
 * good" scores negative). `comparative` is the score per token, so a long post is not more emotional than a short one
 * only because it is long.
 *
 * Here, not in reddit-analyzer, so that reddit.sentiment.analyze and the Reddit MCP server's analyze_sentiment tool
 * score with one implementation and give the same numbers.
 */
import Sentiment from 'sentiment';

export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface SentimentInput {
  fullname: string;
  kind: 'post' | 'comment';
  text: string;
}

export interface ScoredItem {
  fullname: string;
  kind: 'post' | 'comment';
  /** AFINN sum. */
  score: number;
  comparative: number;
  label: SentimentLabel;
  positiveWords: string[];
  negativeWords: string[];
  excerpt: string;
}

export interface SentimentAggregate {
  count: number;
  meanComparative: number;
  medianComparative: number;
  positive: { count: number; share: number };
  neutral: { count: number; share: number };
  negative: { count: number; share: number };
  netSentiment: number;
}

/** |comparative| below this is neutral: one mild word in a long text does not make it positive. */
export const NEUTRAL_BAND = 0.05;

const analyzer = new Sentiment();

export function scoreText(item: SentimentInput): ScoredItem {
  const result = analyzer.analyze(item.text);
  const comparative = Number.isFinite(result.comparative) ? result.comparative : 0;
  return {
    fullname: item.fullname,
    kind: item.kind,
    score: result.score,
    comparative: round(comparative),
    label: comparative >= NEUTRAL_BAND ? 'positive' : comparative <= -NEUTRAL_BAND ? 'negative' : 'neutral',
    positiveWords: result.positive.slice(0, 20),
    negativeWords: result.negative.slice(0, 20),
    excerpt: item.text.replace(/\s+/g, ' ').trim().slice(0, 200),
  };
}

export function aggregateSentiment(items: readonly ScoredItem[]): SentimentAggregate {
  const count = items.length;
  const by = (label: SentimentLabel) => {
    const n = items.filter((i) => i.label === label).length;
    return { count: n, share: count === 0 ? 0 : round(n / count) };
  };
  const sorted = items.map((i) => i.comparative).sort((a, b) => a - b);
  const median = count === 0 ? 0 : count % 2 ? sorted[(count - 1) / 2]! : (sorted[count / 2 - 1]! + sorted[count / 2]!) / 2;
  const positive = by('positive');
  const negative = by('negative');
  return {
    count,
    meanComparative: count === 0 ? 0 : round(sorted.reduce((a, b) => a + b, 0) / count),
    medianComparative: round(median),
    positive,
    neutral: by('neutral'),
    negative,
    netSentiment: count === 0 ? 0 : round((positive.count - negative.count) / count),
  };
}

function round(n: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** Every item scored (in input order) and the aggregate. */
export function analyzeSentiment(inputs: readonly SentimentInput[]): { items: ScoredItem[]; aggregate: SentimentAggregate } {
  const items = inputs.map(scoreText);
  return { items, aggregate: aggregateSentiment(items) };
}
