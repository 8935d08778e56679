import { createHmac } from 'node:crypto';
import { getHmac } from '@shopify/shopify-api/test-helpers';
import fc from 'fast-check';
import { describeSchemeContract, verify } from './scheme-test-kit';
import { shopifyScheme } from './shopify.scheme';

const deliveryHeaders = {
  'x-shopify-topic': 'orders/create',
  'x-shopify-shop-domain': 'junction-test.myshopify.com',
  'x-shopify-api-version': '2025-07',
  'x-shopify-webhook-id': 'b54557e4-bdd9-4b37-8a5f-bf7d70bcd043',
  'x-shopify-event-id': '98880550-7158-44d4-b7cd-2c97c8a091b5',
  'x-shopify-triggered-at': '2025-07-01T12:00:00.000Z',
};
const sign = (body: string, secret: string) => ({ ...deliveryHeaders, 'x-shopify-hmac-sha256': getHmac(body, secret) });
const signBytes = (body: Buffer, secret: string) => ({
  ...deliveryHeaders,
  'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body).digest('base64'),
});

const body = JSON.stringify({ id: 820982911946154500, email: 'jon@example.com', total_price: '403.00' });
const secret = 'shpss_client_secret_1';
const h = { scheme: shopifyScheme };

describeSchemeContract({
  scheme: shopifyScheme,
  secret: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
  secrets: [secret, 'shpss_client_secret_2', 'shpss_client_secret_3'],
  sign,
  signBytes,
  signature: { header: 'x-shopify-hmac-sha256', pattern: /^(.+)$/ },
  // As Node's http module delivers a repeated header.
  combine: (a, b) => ({ ...a, 'x-shopify-hmac-sha256': `${String(a['x-shopify-hmac-sha256'])}, ${String(b['x-shopify-hmac-sha256'])}` }),
  required: ['x-shopify-hmac-sha256'],
  body,
});

describe('shopify: signature details', () => {
  const rawBody = Buffer.from(body);

  it('refuses base64 that decodes to the right digest but is not what Shopify sends (padding dropped, trailing junk)', () => {
    const signature = getHmac(body, secret);
    expect(signature.endsWith('=')).toBe(true);
    for (const variant of [signature.replace(/=+$/, ''), `${signature}AA`, `${signature}!`, signature.replace(/\+/g, '-').replace(/\//g, '_')]) {
      if (variant === signature) continue;
      expect(Buffer.from(variant, 'base64').subarray(0, 32)).toEqual(Buffer.from(signature, 'base64'));
      expect(verify(h, { 'x-shopify-hmac-sha256': variant }, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    }
  });
});

describe('shopify: identify', () => {
  const rawBody = Buffer.from(body);

  it('uses X-Shopify-Event-Id, then X-Shopify-Webhook-Id, and the topic as the type', () => {
    const headers = sign(body, secret);
    expect(shopifyScheme.identify({ headers, body: JSON.parse(body), rawBody })).toEqual({
      eventId: '98880550-7158-44d4-b7cd-2c97c8a091b5',
      eventType: 'orders/create',
    });
    const older = { ...headers, 'x-shopify-event-id': undefined };
    expect(shopifyScheme.identify({ headers: older, body: {}, rawBody }).eventId).toBe('b54557e4-bdd9-4b37-8a5f-bf7d70bcd043');
  });

  it('forwards the delivery headers but never the signature', () => {
    expect(shopifyScheme.forwardedHeaders).toEqual(expect.arrayContaining(Object.keys(deliveryHeaders)));
    expect(shopifyScheme.forwardedHeaders).not.toContain('x-shopify-hmac-sha256');
  });
});
