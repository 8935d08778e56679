import { TokenBuckets } from './token-bucket';

describe('TokenBuckets', () => {
  it('grants a burst, then one request per 1/rate seconds, and says how long to wait', () => {
    const buckets = new TokenBuckets();
    const t0 = 1_000_000;
    for (let i = 0; i < 5; i++) expect(buckets.take('ep', 2, 5, t0)).toBe(0);
    expect(buckets.take('ep', 2, 5, t0)).toBeCloseTo(0.5);
    expect(buckets.take('ep', 2, 5, t0 + 499)).toBeGreaterThan(0);
    expect(buckets.take('ep', 2, 5, t0 + 500)).toBe(0);
    expect(buckets.take('other', 2, 5, t0)).toBe(0);
  });

  it('forgets the oldest key past its capacity', () => {
    const buckets = new TokenBuckets(2);
    buckets.take('a', 1, 1, 0);
    buckets.take('b', 1, 1, 0);
    buckets.take('c', 1, 1, 0);
    expect(buckets.take('a', 1, 1, 0)).toBe(0);
  });
});
