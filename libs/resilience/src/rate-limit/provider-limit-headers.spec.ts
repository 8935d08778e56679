import { limitObservationFromHeaders } from './provider-limit-headers';

describe('limitObservationFromHeaders', () => {
  it('reads Shopify used/capacity', () => {
    expect(limitObservationFromHeaders({ 'x-shopify-shop-api-call-limit': '32/40' })).toEqual({ remaining: 8 });
  });
  it('reads Reddit floats with a relative reset, and epoch resets', () => {
    expect(limitObservationFromHeaders({ 'x-ratelimit-remaining': '99.0', 'x-ratelimit-reset': '30' }, 1_000)).toEqual({ remaining: 99, resetAt: 31_000 });
    expect(limitObservationFromHeaders({ 'x-ratelimit-remaining': '5', 'x-ratelimit-reset': '1700000000' })).toEqual({ remaining: 5, resetAt: 1_700_000_000_000 });
  });
  it('ignores absent or garbage headers', () => {
    expect(limitObservationFromHeaders({})).toBeUndefined();
    expect(limitObservationFromHeaders({ 'x-ratelimit-remaining': 'lots' })).toBeUndefined();
    expect(limitObservationFromHeaders({ 'x-shopify-shop-api-call-limit': 'x/y' })).toBeUndefined();
  });
});
