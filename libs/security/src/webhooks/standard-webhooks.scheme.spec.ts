import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { Webhook } from 'standardwebhooks';
import { describeSchemeContract, NOW, verify } from './scheme-test-kit';
import { standardWebhooksScheme } from './standard-webhooks.scheme';

const MSG_ID = 'msg_2KWPBgLlAfxdpx2AI54pPJ85f4W';
const sign = (body: string, secret: string, ts: number) => ({
  'webhook-id': MSG_ID,
  'webhook-timestamp': String(ts),
  'webhook-signature': new Webhook(secret).sign(MSG_ID, new Date(ts * 1000), body),
});
const keyOf = (secret: string) => Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
const signBytes = (body: Buffer, secret: string, ts: number) => ({
  'webhook-id': MSG_ID,
  'webhook-timestamp': String(ts),
  'webhook-signature': `v1,${createHmac('sha256', keyOf(secret)).update(`${MSG_ID}.${ts}.`).update(body).digest('base64')}`,
});
/** The library's verifier, which reads the real clock. */
const libraryAccepts = (payload: string | Buffer, headers: Record<string, string>, secret: string): boolean => {
  try {
    new Webhook(secret).verify(payload, headers, { jsonParse: false });
    return true;
  } catch {
    return false;
  }
};

const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const body = JSON.stringify({ type: 'invoice.paid', timestamp: '2025-07-01T12:00:00Z', data: { id: 'inv_1' } });
const h = { scheme: standardWebhooksScheme };

describeSchemeContract({
  scheme: standardWebhooksScheme,
  secret: fc.tuple(fc.uint8Array({ minLength: 1, maxLength: 64 }), fc.boolean()).map(([key, prefixed]) => `${prefixed ? 'whsec_' : ''}${Buffer.from(key).toString('base64')}`),
  secrets: [secret, 'whsec_c2Vjb25kIHNlY3JldCBmb3Igcm90YXRpb24=', 'whsec_dGhpcmQgc2VjcmV0'],
  sign,
  signBytes,
  signature: { header: 'webhook-signature', pattern: /^v1,(\S+)$/ },
  timestamp: { header: 'webhook-timestamp', pattern: /^(.+)$/ },
  combine: (a, b) => ({ ...a, 'webhook-signature': `${String(b['webhook-signature'])} ${String(a['webhook-signature'])}` }),
  required: ['webhook-id', 'webhook-timestamp', 'webhook-signature'],
  body,
});

describe('standard-webhooks: headers and keys', () => {
  const rawBody = Buffer.from(body);
  const headers = sign(body, secret, NOW);
  const svix = { 'svix-id': headers['webhook-id'], 'svix-timestamp': headers['webhook-timestamp'], 'svix-signature': headers['webhook-signature'] };

  it('accepts the svix-* names when no webhook-* header is present, and never mixes the two sets', () => {
    expect(verify(h, svix, rawBody, [secret])).toEqual({ ok: true, timestamp: NOW });
    expect(verify(h, { ...svix, 'webhook-signature': headers['webhook-signature'] }, rawBody, [secret])).toMatchObject({
      ok: false,
      code: 'MISSING_SIGNATURE',
    });
    expect(standardWebhooksScheme.identify({ headers: svix, body: JSON.parse(body), rawBody, timestamp: NOW })).toEqual({
      eventId: MSG_ID,
      eventType: 'invoice.paid',
    });
  });

  it('skips entries of other versions (v1a) and rejects a header that has no v1 entry', () => {
    const signature = headers['webhook-signature'];
    const v1a = `v1a,${signature.slice(3)}`;
    expect(verify(h, { ...headers, 'webhook-signature': `${v1a} ${signature}` }, rawBody, [secret])).toMatchObject({ ok: true });
    expect(verify(h, { ...headers, 'webhook-signature': v1a }, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });

  it('signs with the base64-decoded secret, with or without whsec_, and refuses a secret that is not base64', () => {
    expect(standardWebhooksScheme.prepareKey(secret)).toEqual(keyOf(secret));
    expect(standardWebhooksScheme.prepareKey(secret.slice('whsec_'.length))).toEqual(keyOf(secret));
    for (const bad of ['whsec_not base64!', 'whsec_', '', 'whsec_YWJj*ZGVm']) {
      expect(() => standardWebhooksScheme.prepareKey(bad)).toThrow('must be base64');
      try {
        standardWebhooksScheme.prepareKey(bad);
      } catch (error) {
        if (bad.length > 6) expect((error as Error).message).not.toContain(bad.slice(6));
      }
    }
  });

  it('identifies by webhook-id and falls back to "webhook" when the body has no type', () => {
    expect(standardWebhooksScheme.identify({ headers, body: { data: 1 }, rawBody, timestamp: NOW })).toEqual({ eventId: MSG_ID, eventType: 'webhook' });
  });
});

describe('standard-webhooks: what the standardwebhooks library accepts and we reject', () => {
  const now = Math.floor(Date.now() / 1000);

  it('parseInt()s the timestamp and signs the number, so <ts>junk passes', () => {
    const headers = { ...sign(body, secret, now), 'webhook-timestamp': `${now}junk` };
    expect(libraryAccepts(body, headers, secret)).toBe(true);
    expect(verify(h, headers, Buffer.from(body), [secret], now)).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });

  it('allows 300 s into the future where we allow 60', () => {
    const headers = sign(body, secret, now + 240);
    expect(libraryAccepts(body, headers, secret)).toBe(true);
    expect(verify(h, headers, Buffer.from(body), [secret], now)).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
  });

});

describe('standard-webhooks: where the standardwebhooks library agrees with us', () => {
  const now = Math.floor(Date.now() / 1000);

  // Up to 1.1 the library decoded a Buffer body to a string first, so different bytes that decode alike (an invalid
  // UTF-8 byte and U+FFFD) passed under one signature; 1.3 (which signs our alert webhooks) checks the bytes, as we do.
  it('rejects different bytes that decode to the same text under one signature', () => {
    const signedText = '{"a":"\uFFFD"}';
    const headers = sign(signedText, secret, now);
    const tampered = Buffer.from(signedText);
    tampered[6] = 0xf0;
    expect(libraryAccepts(tampered, headers, secret)).toBe(false);
    expect(libraryAccepts(Buffer.from(signedText), headers, secret)).toBe(true);
    expect(verify(h, headers, tampered, [secret], now)).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });
});
