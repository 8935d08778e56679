import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { frappeScheme } from './frappe.scheme';
import { describeSchemeContract, verify } from './scheme-test-kit';

/**
 * Frappe ships no JavaScript signer. Its Webhook doctype signs `json.dumps(data)` as
 * `base64(hmac.new(secret.encode("utf8"), …, hashlib.sha256).digest())` and posts `json.dumps(data, default=str)`:
 * the same bytes for the JSON-native data it builds (dates already converted to strings).
 */
const signBytes = (body: Buffer | string, secret: string) => ({
  'x-frappe-webhook-signature': createHmac('sha256', secret).update(body).digest('base64'),
});

const order = { doctype: 'Sales Order', name: 'SAL-ORD-2025-00042', modified: '2025-07-01 12:00:00.123456', customer: 'ACME' };
const body = JSON.stringify(order);
const secret = 'frappe-webhook-secret';
const h = { scheme: frappeScheme };

describeSchemeContract({
  scheme: frappeScheme,
  secret: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
  secrets: [secret, 'rotated-frappe-secret', 'third-frappe-secret'],
  sign: signBytes,
  signBytes,
  signature: { header: 'x-frappe-webhook-signature', pattern: /^(.+)$/ },
  combine: (a, b) => ({ 'x-frappe-webhook-signature': [String(b['x-frappe-webhook-signature']), String(a['x-frappe-webhook-signature'])] }),
  required: ['x-frappe-webhook-signature'],
  body,
});

describe('frappe: identify', () => {
  const identify = (parsed: unknown, raw = JSON.stringify(parsed)) => frappeScheme.identify({ headers: {}, body: parsed, rawBody: Buffer.from(raw) });

  it('names one version of a document: doctype/name@modified, with the doc event in the type', () => {
    expect(identify({ ...order, event: 'on_submit' })).toEqual({
      eventId: 'Sales Order/SAL-ORD-2025-00042@2025-07-01 12:00:00.123456',
      eventType: 'Sales Order.on_submit',
    });
    expect(identify(order).eventType).toBe('Sales Order');
  });

  it('a re-sent version is the same event; a later edit is a new one', () => {
    expect(identify(order)).toEqual(identify({ ...order }));
    expect(identify({ ...order, modified: '2025-07-01 12:05:00.000000' }).eventId).not.toBe(identify(order).eventId);
  });

  it('without name and modified (the body is whatever fields the webhook sends) it hashes the body, and calls it "frappe"', () => {
    const partial = identify({ customer: 'ACME' });
    expect(partial).toEqual({ eventId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), eventType: 'frappe' });
    expect(identify({ name: 'X', modified: '2025-07-01' })).toEqual({ eventId: 'X@2025-07-01', eventType: 'frappe' });
    expect(identify({ name: 'X', modified: 17 }).eventId).toMatch(/^sha256:/);
  });

  it('never throws on bodies that are not objects', () => {
    for (const parsed of [null, 'text', 42, [order], undefined]) {
      expect(identify(parsed, 'x')).toEqual({ eventId: expect.stringMatching(/^sha256:/), eventType: 'frappe' });
    }
  });
});

describe('frappe: signature details', () => {
  it('takes the secret verbatim, and refuses an empty one', () => {
    expect(frappeScheme.prepareKey(' padded ')).toEqual(Buffer.from(' padded '));
    expect(() => frappeScheme.prepareKey('   ')).toThrow('empty');
    expect(verify(h, signBytes(body, secret), Buffer.from(body), [secret])).toEqual({ ok: true });
  });
});
