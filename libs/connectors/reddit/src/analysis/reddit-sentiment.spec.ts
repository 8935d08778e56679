import { aggregateSentiment, analyzeSentiment, scoreText, type SentimentInput } from './reddit-sentiment';

const item = (fullname: string, text: string, kind: 'post' | 'comment' = 'post'): SentimentInput => ({ fullname, kind, text });

/** A fixed corpus whose ordering anyone would agree on. */
const POSITIVE = [
  item('t3_p1', 'I love this release, it is fantastic and the docs are excellent!'),
  item('t3_p2', 'Great work team, super happy with the new dashboard. Thank you!'),
  item('t1_p3', 'Awesome, this fixed everything. Brilliant support.', 'comment'),
];
const NEUTRAL = [
  item('t3_n1', 'Which version of Postgres are you running in production?'),
  item('t3_n2', 'The migration runs on Tuesday at 10:00 UTC.'),
  item('t1_n3', 'We use the default settings for the broker.', 'comment'),
];
const NEGATIVE = [
  item('t3_x1', 'This update is terrible, it broke our deploys and support ignored us. Awful.'),
  item('t3_x2', 'Worst outage ever, we lost data and I am furious.'),
  item('t1_x3', 'Horrible regression, so frustrating and disappointing.', 'comment'),
];

describe('sentiment (AFINN-165 via the sentiment package)', () => {
  it('orders clearly positive > neutral > clearly negative, item by item', () => {
    const score = (items: SentimentInput[]) => items.map((i) => scoreText(i).comparative);
    const [pos, neu, neg] = [score(POSITIVE), score(NEUTRAL), score(NEGATIVE)];
    expect(Math.min(...pos)).toBeGreaterThan(Math.max(...neu));
    expect(Math.min(...neu)).toBeGreaterThan(Math.max(...neg));
    expect(POSITIVE.map((i) => scoreText(i).label)).toEqual(['positive', 'positive', 'positive']);
    expect(NEUTRAL.map((i) => scoreText(i).label)).toEqual(['neutral', 'neutral', 'neutral']);
    expect(NEGATIVE.map((i) => scoreText(i).label)).toEqual(['negative', 'negative', 'negative']);
  });

  it('handles negation and reports the words that decided', () => {
    expect(scoreText(item('t1_a', 'this is not good', 'comment')).label).toBe('negative');
    const scored = scoreText(item('t3_b', 'I love it but the login is broken'));
    expect(scored.positiveWords).toContain('love');
    expect(scored.negativeWords).toContain('broken');
    expect(scored.excerpt).toBe('I love it but the login is broken');
  });

  it('aggregates counts, shares, mean, median and net sentiment', () => {
    const { items, aggregate } = analyzeSentiment([...POSITIVE, ...NEUTRAL, ...NEGATIVE, POSITIVE[0]!]);
    expect(items.map((i) => i.fullname)).toEqual(['t3_p1', 't3_p2', 't1_p3', 't3_n1', 't3_n2', 't1_n3', 't3_x1', 't3_x2', 't1_x3', 't3_p1']);
    expect(aggregate).toMatchObject({
      count: 10,
      positive: { count: 4, share: 0.4 },
      neutral: { count: 3, share: 0.3 },
      negative: { count: 3, share: 0.3 },
      netSentiment: 0.1,
    });
    expect(aggregate.meanComparative).toBeGreaterThan(0);
    expect(aggregate.medianComparative).toBe(0);
    const mostlyNegative = analyzeSentiment([...NEGATIVE, NEUTRAL[0]!]).aggregate;
    expect(mostlyNegative.meanComparative).toBeLessThan(0);
    expect(mostlyNegative.netSentiment).toBe(-0.75);
  });

  it('an empty input is all zeros, not NaN', () => {
    expect(aggregateSentiment([])).toEqual({
      count: 0,
      meanComparative: 0,
      medianComparative: 0,
      positive: { count: 0, share: 0 },
      neutral: { count: 0, share: 0 },
      negative: { count: 0, share: 0 },
      netSentiment: 0,
    });
    expect(scoreText(item('t3_e', '')).comparative).toBe(0);
  });
});
