/**
 * Provider rate-limit headers → a `ProviderLimitObservation` for `RateLimiter.observe`, so the shared view
 * never grants more than the provider says is left. Header names are matched lower-case (undici's form).
 */
import type { ProviderLimitObservation } from './rate-limiter.port';

type Headers = Readonly<Record<string, string | readonly string[] | undefined>>;

const first = (v: string | readonly string[] | undefined): string | undefined => (typeof v === 'string' ? v : v?.[0]);
const num = (v: string | undefined): number | undefined => {
  if (v === undefined || v.trim() === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
};

export function limitObservationFromHeaders(headers: Headers, now = Date.now()): ProviderLimitObservation | undefined {
  // Shopify: "32/40" = used/capacity of the leaky bucket.
  const shopify = first(headers['x-shopify-shop-api-call-limit']);
  if (shopify !== undefined) {
    const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(shopify);
    if (m) return { remaining: Math.max(0, Number(m[2]) - Number(m[1])) };
  }
  // Reddit (floats, "99.0"), GitHub, many others: remaining + reset. Reddit's reset is seconds from now;
  // a value that looks like an epoch (GitHub) is taken as one.
  const remaining = num(first(headers['x-ratelimit-remaining']));
  if (remaining === undefined) return undefined;
  const reset = num(first(headers['x-ratelimit-reset']));
  const resetAt = reset === undefined ? undefined : reset > 1_000_000_000 ? reset * 1000 : now + reset * 1000;
  return { remaining: Math.floor(remaining), resetAt };
}
