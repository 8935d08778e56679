import { readHeader, utf8Key, verifyBodySignature } from './hmac';
import { identity } from './identity';
import type { WebhookScheme } from './webhook-scheme';

const HEADER = 'x-shopify-hmac-sha256';

export const shopifyScheme: WebhookScheme = {
  name: 'shopify',
  // The app's client secret (API secret key), used verbatim.
  prepareKey: (secret) => utf8Key(secret, 'shopify'),

  // Shopify signs no timestamp: replays are caught by deduplicating on X-Shopify-Event-Id.
  verify: (input) => verifyBodySignature(input, HEADER, 'base64'),

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
