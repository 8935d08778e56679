import { createHmac } from 'node:crypto';
// The function @slack/bolt exports, imported from its own module: the package entry loads express, axios
// and the Web API client, which costs over a second per test run for one 30-line function.
import { verifySlackRequest } from '@slack/bolt/dist/receivers/verify-request';
import fc from 'fast-check';
import { describeSchemeContract, NOW, TOLERANCE, verify } from './scheme-test-kit';
import { slackScheme } from './slack.scheme';

/** Slack ships no signing helper; this is the documented `v0` basestring. */
const v0 = (body: string | Buffer, secret: string, ts: number | string) =>
  `v0=${createHmac('sha256', secret).update(`v0:${ts}:`).update(body).digest('hex')}`;
const sign = (body: string | Buffer, secret: string, ts: number) => ({ 'x-slack-signature': v0(body, secret, ts), 'x-slack-request-timestamp': String(ts) });

const boltAccepts = (body: string, secret: string, signature: string, ts: number): boolean => {
  try {
    verifySlackRequest({ signingSecret: secret, body, headers: { 'x-slack-signature': signature, 'x-slack-request-timestamp': ts }, nowMilliseconds: NOW * 1000 });
    return true;
  } catch {
    return false;
  }
};

const body = JSON.stringify({
  token: 'x',
  team_id: 'T061EG9R6',
  event: { type: 'app_mention', user: 'U0LAN0Z89', text: '<@U0LAN0Z89> hi' },
  type: 'event_callback',
  event_id: 'Ev0PV52K21',
});
const secret = '8f742231b10e8888abcd99yyyzzz85a5';
const h = { scheme: slackScheme };

describeSchemeContract({
  scheme: slackScheme,
  secret: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
  secrets: [secret, 'second-signing-secret', 'third-signing-secret'],
  sign,
  signBytes: sign,
  signature: { header: 'x-slack-signature', pattern: /^v0=([0-9a-f]+)$/ },
  timestamp: { header: 'x-slack-request-timestamp', pattern: /^(.+)$/ },
  combine: (a, b) => ({ ...a, 'x-slack-signature': [String(a['x-slack-signature']), String(b['x-slack-signature'])] }),
  required: ['x-slack-signature', 'x-slack-request-timestamp'],
  body,
});

describe('slack: agreement with Bolt’s verifySlackRequest', () => {
  const oneChar = fc.string({ unit: 'binary', minLength: 1, maxLength: 1 });
  const tamper = fc.oneof(
    fc.constant({ kind: 'none' as const }),
    fc.record({ kind: fc.constant('body' as const), at: fc.nat(), char: oneChar }),
    fc.record({ kind: fc.constant('secret' as const), other: fc.string({ minLength: 1 }).filter((s) => s.trim() !== '') }),
    fc.record({ kind: fc.constant('signature' as const), at: fc.nat(), char: fc.constantFrom(...'0123456789abcdefABCDEF=') }),
  );

  it('accepts exactly what Bolt accepts, within the window both enforce (300 s past, 60 s ahead)', () => {
    fc.assert(
      fc.property(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 200 }),
        fc.string({ minLength: 1, maxLength: 40 }).filter((s) => s.trim() !== ''),
        fc.integer({ min: -TOLERANCE.pastSeconds, max: TOLERANCE.futureSeconds }),
        tamper,
        (text, signingSecret, dt, change) => {
          const ts = NOW + dt;
          let received = text;
          let signature = v0(text, signingSecret, ts);
          let verifyingSecret = signingSecret;
          if (change.kind === 'body') received = text.slice(0, change.at % text.length) + change.char + text.slice((change.at % text.length) + 1);
          if (change.kind === 'secret') verifyingSecret = change.other;
          if (change.kind === 'signature') {
            const at = 3 + (change.at % 64);
            signature = signature.slice(0, at) + change.char + signature.slice(at + 1);
          }
          const ours = verify(h, { 'x-slack-signature': signature, 'x-slack-request-timestamp': String(ts) }, Buffer.from(received), [verifyingSecret]);
          expect(ours.ok).toBe(boltAccepts(received, verifyingSecret, signature, ts));
        },
      ),
      { numRuns: 150 },
    );
  });

  it('Bolt accepts any future timestamp and a non-numeric one; we do not', () => {
    const ahead = NOW + 3600;
    expect(boltAccepts(body, secret, v0(body, secret, ahead), ahead)).toBe(true);
    expect(verify(h, sign(body, secret, ahead), Buffer.from(body), [secret])).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
    // Headers are strings; Bolt's staleness check compares `'abc' < number`, which is always false.
    const junk = 'abc' as unknown as number;
    expect(boltAccepts(body, secret, v0(body, secret, 'abc'), junk)).toBe(true);
    const junkHeaders = { 'x-slack-signature': v0(body, secret, 'abc'), 'x-slack-request-timestamp': 'abc' };
    expect(verify(h, junkHeaders, Buffer.from(body), [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });

  it('Bolt takes the body as a string, so bytes that decode to the same text pass; we hash the bytes', () => {
    const signedText = '{"text":"\uFFFD"}';
    const tampered = Buffer.from(signedText);
    tampered[9] = 0xf0; // EF BF BD → F0 BF BD: still decodes to one U+FFFD
    expect(tampered.toString('utf8')).toBe(signedText);
    expect(boltAccepts(tampered.toString('utf8'), secret, v0(signedText, secret, NOW), NOW)).toBe(true);
    expect(verify(h, sign(signedText, secret, NOW), tampered, [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
  });
});

describe('slack: identify', () => {
  const identify = (raw: string, parsed: unknown, timestamp = NOW) => slackScheme.identify({ headers: {}, body: parsed, rawBody: Buffer.from(raw), timestamp });

  it('uses event_id and event.type for Events API callbacks', () => {
    expect(identify(body, JSON.parse(body))).toEqual({ eventId: 'Ev0PV52K21', eventType: 'app_mention' });
  });

  it('names slash commands command:<name> and hashes timestamp + body for their id, so a replay collides', () => {
    const form = 'token=x&team_id=T1&command=%2Fdeploy&text=prod&response_url=https%3A%2F%2Fhooks.slack.com%2Fx';
    const fields = Object.fromEntries(new URLSearchParams(form));
    const first = identify(form, fields);
    expect(first.eventType).toBe('command:/deploy');
    expect(first.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(identify(form, fields)).toEqual(first);
    expect(identify(form, fields, NOW + 1).eventId).not.toBe(first.eventId);
  });

  it('falls back to the body type, then to "slack"', () => {
    const challenge = JSON.stringify({ token: 'x', challenge: 'abc', type: 'url_verification' });
    expect(identify(challenge, JSON.parse(challenge)).eventType).toBe('url_verification');
    expect(identify('payload=%7B%7D', { payload: '{}' }).eventType).toBe('slack');
  });
});
