import { anyKeyMatches, fail, hmac, noKeys, readHeader, readSignatureList, utf8Key } from './hmac';
import { identity } from './identity';
import type { WebhookScheme } from './webhook-scheme';

const HEADER = 'x-shopify-hmac-sha256';

export const shopifyScheme: WebhookScheme = {
  name: 'shopify',
  // The app's client secret (API secret key), used verbatim.
  prepareKey: (secret) => utf8Key(secret, 'shopify'),

  // Shopify signs no timestamp: replays are caught by deduplicating on X-Shopify-Event-Id.
  verify(input) {
    const signatures = readSignatureList(input.headers, HEADER);
    if (signatures === undefined || signatures.length === 0) return fail('MISSING_SIGNATURE', 'the x-shopify-hmac-sha256 header is missing');
    if (input.keys.length === 0) return noKeys();
    return anyKeyMatches(input.keys, signatures, 'base64', (key) => hmac('sha256', key, [input.rawBody]))
      ? { ok: true }
      : fail('INVALID_SIGNATURE', 'x-shopify-hmac-sha256 does not match the body under any active secret');
  },

  // X-Shopify-Event-Id is Shopify's documented dedupe key; X-Shopify-Webhook-Id only stands in for it on
  // deliveries that lack it (older API versions).
  identify: ({ headers, rawBody }) =>
    identity(readHeader(headers, 'x-shopify-event-id') ?? readHeader(headers, 'x-shopify-webhook-id'), readHeader(headers, 'x-shopify-topic'), {
      rawBody,
    }),

  forwardedHeaders: [
    'x-shopify-topic',
    'x-shopify-shop-domain',
    'x-shopify-api-version',
    'x-shopify-webhook-id',
    'x-shopify-event-id',
    'x-shopify-triggered-at',
  ],
};
