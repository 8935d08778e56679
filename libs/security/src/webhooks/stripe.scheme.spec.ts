import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import Stripe from 'stripe';
import { describeSchemeContract, NOW, verify } from './scheme-test-kit';
import { stripeScheme } from './stripe.scheme';

const stripe = new Stripe('sk_test_x');
const sign = (payload: string, secret: string, timestamp: number) => ({
  'stripe-signature': stripe.webhooks.generateTestHeaderString({ payload, secret, timestamp }),
});
const signBytes = (body: Buffer, secret: string, t: number) => ({
  'stripe-signature': `t=${t},v1=${createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex')}`,
});
/** Stripe's own verifier, at our clock and with its default 300 s tolerance. */
const stripeAccepts = (payload: string | Buffer, header: string, secret: string, now = NOW): boolean => {
  try {
    return stripe.webhooks.signature!.verifyHeader(payload, header, secret, 300, undefined, now * 1000);
  } catch {
    return false;
  }
};

const body = JSON.stringify({ id: 'evt_1PqRsT', object: 'event', type: 'payment_intent.succeeded', data: { object: { id: 'pi_1' } } });
const secret = 'whsec_first';
const h = { scheme: stripeScheme };

describeSchemeContract({
  scheme: stripeScheme,
  secret: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).map((s) => `whsec_${s}`),
  secrets: ['whsec_first', 'whsec_second', 'whsec_third'],
  sign,
  signBytes,
  signature: { header: 'stripe-signature', pattern: /v1=([0-9a-f]+)/ },
  timestamp: { header: 'stripe-signature', pattern: /t=(\d+)/ },
  combine: (a, b) => ({ 'stripe-signature': `${String(a['stripe-signature'])}${String(b['stripe-signature']).replace(/^t=\d+/, '')}` }),
  required: ['stripe-signature'],
  body,
});

describe('stripe: header details', () => {
  const rawBody = Buffer.from(body);
  const valid = sign(body, secret, NOW)['stripe-signature'];
  const sig = valid.split('v1=')[1]!;

  it('ignores other schemes (v0 in test mode) next to v1, and needs at least one v1', () => {
    expect(verify(h, { 'stripe-signature': `${valid},v0=${sig}` }, rawBody, [secret])).toMatchObject({ ok: true });
    expect(verify(h, { 'stripe-signature': `t=${NOW},v0=${sig}` }, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });

  it('refuses a header without t=, or with two different timestamps', () => {
    expect(verify(h, { 'stripe-signature': `v1=${sig}` }, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    expect(verify(h, { 'stripe-signature': `${valid},t=${NOW - 1}` }, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });

  it('uses the key as the whole whsec_ string, not a decoding of it', () => {
    expect(stripeScheme.prepareKey('whsec_abc')).toEqual(Buffer.from('whsec_abc'));
    expect(() => stripeScheme.prepareKey('')).toThrow('empty');
  });
});

describe('stripe: identify', () => {
  const rawBody = Buffer.from(body);

  it('takes the event id and type from the body, so a retry (new timestamp, same event) has the same id', () => {
    const first = stripeScheme.identify({ headers: sign(body, secret, NOW), body: JSON.parse(body), rawBody, timestamp: NOW });
    const retry = stripeScheme.identify({ headers: sign(body, secret, NOW + 3600), body: JSON.parse(body), rawBody, timestamp: NOW + 3600 });
    expect(first).toEqual({ eventId: 'evt_1PqRsT', eventType: 'payment_intent.succeeded' });
    expect(retry).toEqual(first);
  });

  it('falls back to a hash of timestamp and body, and to "webhook", when the body lacks them', () => {
    const identity = stripeScheme.identify({ headers: {}, body: [1, 2], rawBody, timestamp: NOW });
    expect(identity.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(identity.eventType).toBe('webhook');
  });
});

describe("stripe: what Stripe's own verifier accepts and we reject", () => {
  it('agrees on a valid request and on a tampered one', () => {
    const header = sign(body, secret, NOW)['stripe-signature'];
    expect(stripeAccepts(body, header, secret)).toBe(true);
    expect(stripeAccepts(`${body} `, header, secret)).toBe(false);
  });

  it('Stripe accepts a timestamp a day in the future; we allow 60 s of clock skew', () => {
    const header = sign(body, secret, NOW + 86_400)['stripe-signature'];
    expect(stripeAccepts(body, header, secret)).toBe(true);
    expect(verify(h, { 'stripe-signature': header }, Buffer.from(body), [secret])).toMatchObject({ code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
  });

  it('Stripe parseInt()s the timestamp and signs the number, so t=<ts>junk passes; we want a canonical integer', () => {
    const header = sign(body, secret, NOW)['stripe-signature'].replace(`t=${NOW}`, `t=${NOW}junk`);
    expect(stripeAccepts(body, header, secret)).toBe(true);
    expect(verify(h, { 'stripe-signature': header }, Buffer.from(body), [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });

  it('Stripe decodes the body as UTF-8 before hashing, so different bytes can pass under one signature; we hash the bytes', () => {
    const signedText = '{"a":"\uFFFD"}';
    const header = sign(signedText, secret, NOW)['stripe-signature'];
    // EF BF BD (U+FFFD) → F0 BF BD: an invalid sequence that a UTF-8 decoder also turns into one U+FFFD.
    const tampered = Buffer.from(signedText);
    tampered[6] = 0xf0;
    // A leading byte-order mark is stripped by TextDecoder as well.
    const withBom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(signedText)]);
    for (const bytes of [tampered, withBom]) {
      expect(stripeAccepts(bytes, header, secret)).toBe(true);
      expect(verify(h, { 'stripe-signature': header }, bytes, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    }
  });
});
