import { detectTrends, type TrendDocument } from './trends';

const HOUR = 3_600;
const END = Date.parse('2026-03-08T00:00:00Z') / 1000;
const WINDOW_START = END - 24 * HOUR;
const BASELINE_START = WINDOW_START - 7 * 24 * HOUR;

/** Everyday topics, at the same rate before and during the window. */
const EVERYDAY = ['Postgres vacuum settings for large tables', 'How we deploy with Helm charts', 'Broker queue sizing question', 'Dashboard latency graphs explained', 'Kafka versus RabbitMQ for events'];

function corpus(): TrendDocument[] {
  const docs: TrendDocument[] = [];
  // Baseline: 70 posts over 7 days, everyday topics; "certificate" shows up once.
  for (let i = 0; i < 70; i++) docs.push({ text: EVERYDAY[i % EVERYDAY.length]!, createdUtc: BASELINE_START + i * 2 * HOUR + 60 });
  docs.push({ text: 'Renewing a TLS certificate by hand', createdUtc: BASELINE_START + 5 * HOUR });
  // Window: 20 posts; the same everyday mix, and the planted trend: an expired certificate outage in 9 posts.
  for (let i = 0; i < 20; i++) docs.push({ text: EVERYDAY[i % EVERYDAY.length]!, createdUtc: WINDOW_START + i * HOUR });
  const planted = ['Certificate expired, API down', 'Is the certificate outage fixed?', 'Expired certificate broke our webhooks', 'certificate certificate certificate', 'Who rotates the certificate?', 'Postmortem: certificate expiry', 'Certificate monitoring tips', 'Our certificate alert never fired', 'Certificate pinning made it worse'];
  planted.forEach((text, i) => docs.push({ text, createdUtc: WINDOW_START + i * HOUR + 30 }));
  // Rising but too rare to count (minCount 3), and noise older than the baseline.
  docs.push({ text: 'Quantum networking teaser', createdUtc: WINDOW_START + 2 * HOUR });
  docs.push({ text: 'Quantum networking again', createdUtc: WINDOW_START + 3 * HOUR });
  for (let i = 0; i < 30; i++) docs.push({ text: 'certificate certificate', createdUtc: BASELINE_START - (i + 1) * HOUR });
  return docs;
}

describe('detectTrends', () => {
  const options = { windowStart: WINDOW_START, windowEnd: END, baselineStart: BASELINE_START, minCount: 3, top: 10 };

  it('ranks the planted term first, with counts, rates and a positive score', () => {
    const result = detectTrends(corpus(), options);
    expect(result.windowDocuments).toBe(31);
    expect(result.baselineDocuments).toBe(71);
    expect(result.trends[0]).toMatchObject({ term: 'certificate', windowCount: 9, baselineCount: 1 });
    expect(result.trends[0]!.score).toBeGreaterThan(2);
    expect(result.trends[0]!.windowRate).toBeCloseTo((9 / 31) * 1000, 1);
    expect(result.trends[0]!.baselineRate).toBeCloseTo((1 / 71) * 1000, 1);
  });

  it('leaves out terms at their usual rate and terms below minCount', () => {
    const terms = detectTrends(corpus(), options).trends.map((t) => t.term);
    for (const steady of ['postgres', 'deploy', 'broker', 'dashboard', 'kafka']) expect(terms).not.toContain(steady);
    expect(terms).not.toContain('quantum');
    expect(detectTrends(corpus(), { ...options, minCount: 2 }).trends.map((t) => t.term)).toContain('quantum');
  });

  it('counts a document once however often it repeats a term, and finds nothing in an even corpus', () => {
    const spam = [...corpus(), ...Array.from({ length: 3 }, (_, i) => ({ text: 'expired expired expired expired', createdUtc: WINDOW_START + i }))];
    const expired = detectTrends(spam, options).trends.find((t) => t.term === 'expired');
    expect(expired?.windowCount).toBe(5);
    const even = Array.from({ length: 48 }, (_, i) => ({ text: EVERYDAY[i % 5]!, createdUtc: BASELINE_START + i * 4 * HOUR }));
    expect(detectTrends(even, options).trends).toEqual([]);
  });
});
