import { anyKeyMatches, checkTimestamp, fail, hmac, noKeys, readHeader, utf8Key } from './hmac';
import { bodyString, identity } from './identity';
import type { WebhookScheme } from './webhook-scheme';

const HEADER = 'stripe-signature';

/**
 * `t=<unix>,v1=<hex>[,v1=<hex>…]`; other schemes (`v0` in test mode) are ignored as Stripe's own library does.
 * Stripe's parser keeps the last of several `t=`; we refuse the header instead, because which timestamp
 * was checked and which was signed must not be up to whoever wrote it.
 */
function parseStripeHeader(value: string): { timestamp?: string; signatures: string[]; ambiguous: boolean } {
  const timestamps = new Set<string>();
  const signatures: string[] = [];
  for (const item of value.split(',')) {
    const separator = item.indexOf('=');
    if (separator < 0) continue;
    const key = item.slice(0, separator).trim();
    const entry = item.slice(separator + 1).trim();
    if (key === 't') timestamps.add(entry);
    else if (key === 'v1' && entry !== '') signatures.push(entry);
  }
  const [timestamp] = timestamps;
  return { timestamp, signatures, ambiguous: timestamps.size > 1 };
}

export const stripeScheme: WebhookScheme = {
  name: 'stripe',
  // The key is the whole `whsec_…` string as Stripe shows it, not a decoding of it.
  prepareKey: (secret) => utf8Key(secret, 'stripe'),

  verify(input) {
    const header = readHeader(input.headers, HEADER);
    if (header === undefined) return fail('MISSING_SIGNATURE', 'the stripe-signature header is missing');
    const parsed = parseStripeHeader(header);
    if (parsed.ambiguous) return fail('INVALID_SIGNATURE', 'stripe-signature carries more than one timestamp');
    if (parsed.timestamp === undefined) return fail('INVALID_SIGNATURE', 'stripe-signature has no t= timestamp');
    if (parsed.signatures.length === 0) return fail('INVALID_SIGNATURE', 'stripe-signature has no v1= signature');
    const checked = checkTimestamp(parsed.timestamp, 'the stripe-signature timestamp', input);
    if (!checked.ok) return checked;
    if (input.keys.length === 0) return noKeys();
    const signed = [`${parsed.timestamp}.`, input.rawBody];
    return anyKeyMatches(input.keys, parsed.signatures, 'hex', (key) => hmac('sha256', key, signed))
      ? { ok: true, timestamp: checked.timestamp }
      : fail('INVALID_SIGNATURE', 'no v1 signature in stripe-signature matches the body under any active secret');
  },

  identify: ({ body, rawBody, timestamp }) => identity(bodyString(body, 'id'), bodyString(body, 'type'), { rawBody, timestamp }),

  forwardedHeaders: ['user-agent'],
};
