import fc from 'fast-check';
import { backoffDelay } from './backoff';

const policy = fc.record({ baseDelayMs: fc.integer({ min: 1, max: 10_000 }), maxDelayMs: fc.integer({ min: 1, max: 600_000 }) });
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoffDelay', () => {
  it('property: 0 ≤ delay ≤ min(cap, base·2^(n−1)) and always before the deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), policy, fc.integer({ min: 1, max: 10_000_000 }), unit, (n, p, remaining, r) => {
        const delay = backoffDelay(n, p, remaining, undefined, () => r);
        expect(delay).toBeDefined();
        expect(delay!).toBeGreaterThanOrEqual(0);
        expect(delay!).toBeLessThanOrEqual(Math.min(p.maxDelayMs, p.baseDelayMs * 2 ** (n - 1)));
        expect(delay!).toBeLessThan(remaining);
        expect(Number.isInteger(delay)).toBe(true);
      }),
    );
  });

  it('property: Retry-After wins over the computed delay (even above the cap) when it fits before the deadline', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 20 }), policy, fc.nat({ max: 1_000_000 }), fc.integer({ min: 1, max: 2_000_000 }), unit, (n, p, retryAfter, remaining, r) => {
        const delay = backoffDelay(n, p, remaining, retryAfter, () => r);
        if (retryAfter < remaining) expect(delay).toBe(retryAfter);
        else expect(delay).toBeUndefined();
      }),
    );
  });

  it('gives up when no time is left', () => {
    expect(backoffDelay(1, { baseDelayMs: 100, maxDelayMs: 1000 }, 0)).toBeUndefined();
    expect(backoffDelay(1, { baseDelayMs: 100, maxDelayMs: 1000 }, -5, 10)).toBeUndefined();
  });

  it('uses the full range: with random → 1 the delay approaches the ceiling', () => {
    expect(backoffDelay(3, { baseDelayMs: 100, maxDelayMs: 1000 }, 60_000, undefined, () => 0.9999)).toBe(399);
    expect(backoffDelay(10, { baseDelayMs: 100, maxDelayMs: 1000 }, 60_000, undefined, () => 0.9999)).toBe(999);
  });
});
