import { createHmac } from 'node:crypto';
import fc from 'fast-check';
import { genericHmacOptionsSchema, genericHmacScheme } from './generic-hmac.scheme';
import { describeSchemeContract, NOW, verify } from './scheme-test-kit';
import type { GenericHmacOptions } from './webhook-scheme';

const secretArb = fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== '');
const body = JSON.stringify({ kind: 'parcel.delivered', parcel: 'P-1' });

/** A provider that signs `{timestamp}.{id}.{body}` like Standard Webhooks, but in hex with a prefix. */
const timestamped = {
  signatureHeader: 'x-signature',
  algorithm: 'sha256',
  encoding: 'hex',
  prefix: 'sha256=',
  timestampHeader: 'x-timestamp',
  signedPayload: '{timestamp}.{id}.{body}',
  idHeader: 'x-delivery-id',
  typeHeader: 'x-event-type',
} as const satisfies GenericHmacOptions;
const signTimestamped = (raw: Buffer | string, secret: string, ts: number) => ({
  'x-signature': `sha256=${createHmac('sha256', secret).update(`${ts}.dlv_1.`).update(raw).digest('hex')}`,
  'x-timestamp': String(ts),
  'x-delivery-id': 'dlv_1',
  'x-event-type': 'parcel.delivered',
});

describeSchemeContract({
  scheme: genericHmacScheme,
  label: 'generic-hmac (sha256, hex, timestamped)',
  options: timestamped,
  secret: secretArb,
  secrets: ['generic-1', 'generic-2', 'generic-3'],
  sign: signTimestamped,
  signBytes: signTimestamped,
  signature: { header: 'x-signature', pattern: /^sha256=([0-9a-f]+)$/ },
  timestamp: { header: 'x-timestamp', pattern: /^(.+)$/ },
  combine: (a, b) => ({ ...a, 'x-signature': `${String(a['x-signature'])}, ${String(b['x-signature'])}` }),
  required: ['x-signature', 'x-timestamp', 'x-delivery-id'],
  body,
});

/** The plainest provider: a base64 SHA-512 of the body, no timestamp. */
const plain = { signatureHeader: 'x-webhook-signature', algorithm: 'sha512', encoding: 'base64', typeField: 'kind' } as const satisfies GenericHmacOptions;
const signPlain = (raw: Buffer | string, secret: string) => ({ 'x-webhook-signature': createHmac('sha512', secret).update(raw).digest('base64') });

describeSchemeContract({
  scheme: genericHmacScheme,
  label: 'generic-hmac (sha512, base64, body only)',
  options: plain,
  secret: secretArb,
  secrets: ['generic-1', 'generic-2', 'generic-3'],
  sign: signPlain,
  signBytes: signPlain,
  signature: { header: 'x-webhook-signature', pattern: /^(.+)$/ },
  combine: (a, b) => ({ 'x-webhook-signature': [String(b['x-webhook-signature']), String(a['x-webhook-signature'])] }),
  required: ['x-webhook-signature'],
  body,
});

describe('generic-hmac: options schema', () => {
  const parse = (o: unknown) => genericHmacOptionsSchema.safeParse(o);

  it('accepts valid options and lower-cases header names', () => {
    const result = parse({ ...timestamped, signatureHeader: 'X-Signature', timestampHeader: ' X-Timestamp ' });
    expect(result.success && result.data).toMatchObject({ signatureHeader: 'x-signature', timestampHeader: 'x-timestamp' });
    expect(parse(plain).success).toBe(true);
  });

  it.each([
    ['an unknown key', { ...plain, secret: 'x' }],
    ['a template without {body}', { ...plain, signedPayload: '{timestamp}' }],
    ['{timestamp} without timestampHeader', { ...plain, signedPayload: '{timestamp}.{body}' }],
    ['a timestampHeader that is not signed', { ...plain, timestampHeader: 'x-timestamp' }],
    ['{id} without idHeader', { ...plain, signedPayload: '{id}.{body}' }],
    ['an invalid header name', { ...plain, signatureHeader: 'x signature' }],
    ['a prefix with a comma', { ...plain, prefix: 'v1,' }],
    ['an unknown algorithm', { ...plain, algorithm: 'md5' }],
  ])('rejects %s', (_, options) => {
    expect(parse(options).success).toBe(false);
  });
});

describe('generic-hmac: verify details', () => {
  const rawBody = Buffer.from(body);
  const secret = 'generic-1';

  it('signs header values literally: an id containing {body} or {timestamp} is not expanded', () => {
    const options = { ...timestamped, signedPayload: '{id}:{body}' };
    const id = '{body}{timestamp}';
    const headers = {
      'x-signature': `sha256=${createHmac('sha256', secret).update(`${id}:`).update(rawBody).digest('hex')}`,
      'x-timestamp': String(NOW),
      'x-delivery-id': id,
    };
    expect(verify({ scheme: genericHmacScheme, options }, headers, rawBody, [secret])).toEqual({ ok: false, code: 'INVALID_SIGNATURE', message: expect.any(String) });
    const valid = { ...options, signedPayload: '{timestamp}.{id}:{body}' };
    const signed = { ...headers, 'x-signature': `sha256=${createHmac('sha256', secret).update(`${NOW}.${id}:`).update(rawBody).digest('hex')}` };
    expect(verify({ scheme: genericHmacScheme, options: valid }, signed, rawBody, [secret])).toEqual({ ok: true, timestamp: NOW });
  });

  it('fails closed when the options are absent or invalid, instead of throwing', () => {
    const headers = signPlain(rawBody, secret);
    expect(verify({ scheme: genericHmacScheme }, headers, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    const bad = { ...plain, algorithm: 'md5' } as unknown as GenericHmacOptions;
    expect(verify({ scheme: genericHmacScheme, options: bad }, headers, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });

  it('requires the configured prefix', () => {
    const headers = signTimestamped(rawBody, secret, NOW);
    const bare = { ...headers, 'x-signature': headers['x-signature'].slice('sha256='.length) };
    expect(verify({ scheme: genericHmacScheme, options: timestamped }, bare, rawBody, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });
});

describe('generic-hmac: identify', () => {
  const rawBody = Buffer.from(body);

  it('takes the id and type headers, then the type field, then falls back to a hash and "webhook"', () => {
    const headers = signTimestamped(rawBody, 'generic-1', NOW);
    expect(genericHmacScheme.identify({ headers, body: JSON.parse(body), rawBody, timestamp: NOW, options: timestamped })).toEqual({
      eventId: 'dlv_1',
      eventType: 'parcel.delivered',
    });
    const fromField = genericHmacScheme.identify({ headers: {}, body: JSON.parse(body), rawBody, options: plain });
    expect(fromField).toEqual({ eventId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/), eventType: 'parcel.delivered' });
    expect(genericHmacScheme.identify({ headers: {}, body: { kind: 7 }, rawBody, options: plain }).eventType).toBe('webhook');
    expect(genericHmacScheme.identify({ headers: {}, body: {}, rawBody }).eventType).toBe('webhook');
  });
});
