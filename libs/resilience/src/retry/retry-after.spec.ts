import fc from 'fast-check';
import { parseHttpDate, parseRetryAfter, RETRY_AFTER_CAP_MS } from './retry-after';

const NOW = Date.UTC(2025, 0, 15, 12, 0, 0);

describe('parseRetryAfter', () => {
  it('reads integer and float seconds (Shopify "2.0"), rounding up so a wait is never shorter than asked', () => {
    expect(parseRetryAfter('1')).toBe(1000);
    expect(parseRetryAfter('2.0')).toBe(2000);
    expect(parseRetryAfter(' 0.0015 ')).toBe(2);
    expect(parseRetryAfter(['3', '9'])).toBe(3000);
    expect(parseRetryAfter('0')).toBe(0);
  });

  it('reads the three HTTP-date forms relative to now; a past date means now', () => {
    expect(parseRetryAfter('Wed, 15 Jan 2025 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfter('Wednesday, 15-Jan-25 12:01:00 GMT', NOW)).toBe(60_000);
    expect(parseRetryAfter('Wed Jan 15 12:00:05 2025', NOW)).toBe(5_000);
    expect(parseRetryAfter('Wed Jan  1 00:00:00 2025', NOW)).toBe(0);
  });

  it('rejects garbage and negatives, and caps absurd values', () => {
    for (const v of ['', ' ', 'soon', '-1', '-0.5', '1e3', '0x10', 'Infinity', 'NaN', '2 s', 'Wed, 31 Feb 2025 00:00:00 GMT', 'hello 2020', undefined, null]) {
      expect(parseRetryAfter(v, NOW)).toBeUndefined();
    }
    expect(parseRetryAfter('99999999999')).toBe(RETRY_AFTER_CAP_MS);
  });

  it('property: any non-negative seconds value parses to ceil(seconds * 1000), capped', () => {
    fc.assert(
      fc.property(fc.nat({ max: 10_000_000 }), fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined }), (whole, frac) => {
        const text = frac === undefined ? String(whole) : `${whole}.${String(frac).padStart(3, '0')}`;
        const expected = Math.min(Math.ceil(Number(text) * 1000), RETRY_AFTER_CAP_MS);
        expect(parseRetryAfter(text)).toBe(expected);
      }),
    );
  });

  it('property: HTTP dates round-trip (toUTCString) to the exact delay, never negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(9998, 11, 31) }), fc.integer({ min: 0, max: 2 * 86_400 }), (nowMs, aheadS) => {
        const now = Math.floor(nowMs / 1000) * 1000;
        const at = now + aheadS * 1000;
        expect(parseHttpDate(new Date(at).toUTCString())).toBe(at);
        expect(parseRetryAfter(new Date(at).toUTCString(), now)).toBe(Math.min(aheadS * 1000, RETRY_AFTER_CAP_MS));
        expect(parseRetryAfter(new Date(now - aheadS * 1000).toUTCString(), now)).toBe(0);
      }),
    );
  });

  it('property: arbitrary strings never throw and never give a negative or uncapped wait', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const ms = parseRetryAfter(s, NOW);
        if (ms !== undefined) {
          expect(ms).toBeGreaterThanOrEqual(0);
          expect(ms).toBeLessThanOrEqual(RETRY_AFTER_CAP_MS);
        }
      }),
    );
    fc.assert(fc.property(fc.string().filter((s) => !/^\s*\d+(\.\d+)?\s*$/.test(s) && !/GMT|\d{4}$/.test(s)), (s) => expect(parseRetryAfter(s, NOW)).toBeUndefined()));
  });
});
