/**
 * Shared by the scheme specs (not shipped code): the cases every scheme must pass, and the properties that
 * every verifier must hold, run against requests signed by the provider's own library where one exists.
 */
import fc from 'fast-check';
import type { GenericHmacOptions, IncomingHeaders, VerifyResult, WebhookScheme } from './webhook-scheme';

export const NOW = 1_700_000_000;
export const TOLERANCE = { pastSeconds: 300, futureSeconds: 60 };

type Headers = Record<string, string | string[] | undefined>;

export interface SchemeHarness {
  scheme: WebhookScheme;
  /** Tells two harnesses of one scheme apart in test names. */
  label?: string;
  options?: GenericHmacOptions;
  /** Secrets in the form the provider shows them. */
  secret: fc.Arbitrary<string>;
  secrets: readonly [string, string, string];
  /** Signs with the provider's own library (which only takes strings). */
  sign(body: string, secret: string, timestamp: number): Headers | Promise<Headers>;
  /** Signs raw bytes with node:crypto per the documented formula, for bodies that are not UTF-8. */
  signBytes(body: Buffer, secret: string, timestamp: number): Headers;
  /** The header holding the signature, and where the signature sits in its value (one capture group). */
  signature: { header: string; pattern: RegExp };
  timestamp?: { header: string; pattern: RegExp };
  /** One signature header carrying the signatures of both requests. */
  combine(a: Headers, b: Headers): Headers;
  /** Each of these absent → MISSING_SIGNATURE. */
  required: readonly string[];
  body: string;
}

export function verify(h: Pick<SchemeHarness, 'scheme' | 'options'>, headers: IncomingHeaders, rawBody: Buffer, secrets: readonly string[], nowSeconds = NOW): VerifyResult {
  return h.scheme.verify({ headers, rawBody, keys: secrets.map((s) => h.scheme.prepareKey(s)), nowSeconds, tolerance: TOLERANCE, options: h.options });
}

/** Replaces the capture group of `pattern` inside one header's value. */
export function editHeader(headers: Headers, spot: { header: string; pattern: RegExp }, edit: (value: string) => string): Headers {
  const value = headers[spot.header];
  if (typeof value !== 'string' || !spot.pattern.test(value)) throw new Error(`test setup: ${spot.header} does not match ${String(spot.pattern)}`);
  return { ...headers, [spot.header]: value.replace(spot.pattern, (whole, group: string) => whole.replace(group, () => edit(group))) };
}

const flipByte = (body: Buffer, index: number, xor: number): Buffer => {
  const copy = Buffer.from(body);
  copy[index % copy.length] ^= xor;
  return copy;
};

/** Printable ASCII except the list separators (`,` and space), which split a header rather than alter a signature. */
const signatureChar = fc.integer({ min: 33, max: 126 }).filter((c) => c !== 44).map((c) => String.fromCharCode(c));
const signatureEdit = fc.oneof(
  fc.record({ at: fc.nat(), char: signatureChar }).map(({ at, char }) => (s: string) => s.slice(0, at % s.length) + char + s.slice((at % s.length) + 1)),
  fc.nat().map((at) => (s: string) => s.slice(0, at % s.length) + s.slice((at % s.length) + 1)),
  fc.record({ at: fc.nat(), char: signatureChar }).map(({ at, char }) => (s: string) => s.slice(0, at % (s.length + 1)) + char + s.slice(at % (s.length + 1))),
);
const timestampEdit = fc.oneof(
  fc.integer({ min: -100_000, max: 100_000 }).map((delta) => (t: string) => String(Number(t) + delta)),
  fc.constantFrom((t: string) => `0${t}`, (t: string) => `${t}.0`, (t: string) => `+${t}`, (t: string) => `-${t}`, (t: string) => `${t}e0`, (t: string) => `${t}0`),
  fc.stringMatching(/^[0-9a-z.+-]{1,12}$/).map((junk) => () => junk),
);

const body = fc.string({ unit: 'binary', minLength: 1, maxLength: 300 });
const offset = fc.integer({ min: -TOLERANCE.pastSeconds, max: TOLERANCE.futureSeconds });
const runs = { numRuns: 60 };

export function describeSchemeContract(h: SchemeHarness): void {
  const [s1, s2, s3] = h.secrets;
  const raw = Buffer.from(h.body);

  describe(`${h.label ?? h.scheme.name}: the cases every scheme must pass`, () => {
    it('accepts a request signed by the provider library', async () => {
      const result = verify(h, await h.sign(h.body, s1, NOW - 10), raw, [s1]);
      expect(result).toEqual(h.timestamp ? { ok: true, timestamp: NOW - 10 } : { ok: true });
    });

    it('rejects a tampered body and a wrong secret as INVALID_SIGNATURE, with a message that leaks nothing', async () => {
      const headers = await h.sign(h.body, s1, NOW);
      const results = [verify(h, headers, Buffer.from(`${h.body} `), [s1]), verify(h, headers, raw, [s2])];
      for (const result of results) {
        expect(result).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
        const message = result.ok ? '' : result.message;
        expect(message).not.toContain(s1);
        expect(message).not.toContain(s2);
        const signature = String(headers[h.signature.header]).match(h.signature.pattern)![1]!;
        expect(message).not.toContain(signature);
      }
    });

    it('accepts during a rotation: the second of two keys matches, or one of two signatures in the header', async () => {
      expect(verify(h, await h.sign(h.body, s2, NOW), raw, [s1, s2])).toMatchObject({ ok: true });
      const both = h.combine(await h.sign(h.body, s2, NOW), await h.sign(h.body, s1, NOW));
      expect(verify(h, both, raw, [s1])).toMatchObject({ ok: true });
      expect(verify(h, both, raw, [s3])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    });

    it('rejects when no key is active', async () => {
      expect(verify(h, await h.sign(h.body, s1, NOW), raw, [])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
    });

    it('answers MISSING_SIGNATURE for each absent required header', async () => {
      const headers = await h.sign(h.body, s1, NOW);
      for (const name of h.required) {
        expect({ name, result: verify(h, { ...headers, [name]: undefined }, raw, [s1]) }).toMatchObject({ name, result: { ok: false, code: 'MISSING_SIGNATURE' } });
      }
    });

    if (h.timestamp) {
      it('rejects a stale timestamp and one more than 60 s ahead, at the exact bounds', async () => {
        const at = async (t: number) => verify(h, await h.sign(h.body, s1, t), raw, [s1]);
        expect(await at(NOW - 300)).toMatchObject({ ok: true });
        expect(await at(NOW - 301)).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
        expect(await at(NOW + 60)).toMatchObject({ ok: true });
        expect(await at(NOW + 61)).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
      });

      it('checks the timestamp before touching any key, so a stale request costs no HMAC', async () => {
        const untouchable = new Proxy([] as Buffer[], {
          get: () => {
            throw new Error('keys were read before the timestamp was checked');
          },
        });
        const headers = await h.sign(h.body, s1, NOW - 1000);
        const input = { headers, rawBody: raw, keys: untouchable, nowSeconds: NOW, tolerance: TOLERANCE, options: h.options };
        expect(h.scheme.verify(input)).toMatchObject({ ok: false, code: 'TIMESTAMP_OUT_OF_TOLERANCE' });
      });
    } else {
      it('signs no timestamp, so the age of a delivery plays no part (replays are caught by event id)', async () => {
        expect(verify(h, await h.sign(h.body, s1, NOW), raw, [s1], NOW + 30 * 86_400)).toEqual({ ok: true });
      });
    }

    it('identifies a redelivery of the same request with the same event id', async () => {
      const headers = await h.sign(h.body, s1, NOW);
      const result = verify(h, headers, raw, [s1]);
      const identify = () => h.scheme.identify({ headers, body: JSON.parse(h.body), rawBody: raw, timestamp: result.ok ? result.timestamp : undefined, options: h.options });
      expect(identify()).toEqual(identify());
      expect(identify().eventId.length).toBeGreaterThan(0);
    });
  });

  describe(`${h.label ?? h.scheme.name}: properties`, () => {
    it('a correct signature verifies, and any single-byte change to the body is rejected (provider-signed)', async () => {
      await fc.assert(
        fc.asyncProperty(body, h.secret, offset, fc.nat(), fc.integer({ min: 1, max: 255 }), async (text, secret, dt, at, xor) => {
          const headers = await h.sign(text, secret, NOW + dt);
          const bytes = Buffer.from(text);
          expect(verify(h, headers, bytes, [secret])).toMatchObject({ ok: true });
          expect(verify(h, headers, flipByte(bytes, at, xor), [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
        }),
        runs,
      );
    });

    it('holds over raw bytes that are not UTF-8 (node:crypto-signed)', () => {
      fc.assert(
        fc.property(fc.uint8Array({ minLength: 1, maxLength: 300 }), h.secret, offset, fc.nat(), fc.integer({ min: 1, max: 255 }), (bytes, secret, dt, at, xor) => {
          const rawBody = Buffer.from(bytes);
          const headers = h.signBytes(rawBody, secret, NOW + dt);
          expect(verify(h, headers, rawBody, [secret])).toMatchObject({ ok: true });
          expect(verify(h, headers, flipByte(rawBody, at, xor), [secret])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
        }),
        runs,
      );
    });

    it('any change to the signature is rejected, and so is a signature made with another secret', async () => {
      await fc.assert(
        fc.asyncProperty(body, h.secret, h.secret, signatureEdit, async (text, secret, other, edit) => {
          const headers = await h.sign(text, secret, NOW);
          const edited = editHeader(headers, h.signature, edit);
          fc.pre(edited[h.signature.header] !== headers[h.signature.header]);
          expect(verify(h, edited, Buffer.from(text), [secret])).toMatchObject({ ok: false });
          if (other !== secret) expect(verify(h, headers, Buffer.from(text), [other])).toMatchObject({ ok: false, code: 'INVALID_SIGNATURE' });
        }),
        runs,
      );
    });

    it('identify never throws, whatever the body and headers, and stays within the limits of webhooks.received', () => {
      const names = [...h.scheme.forwardedHeaders, h.signature.header, ...Object.values(h.options ?? {}).filter((v) => typeof v === 'string')];
      const field = fc.oneof(fc.string({ maxLength: 400 }), fc.jsonValue({ maxDepth: 1 }));
      const fields = fc.record(
        { id: field, type: field, action: field, event: field, event_id: field, command: field, doctype: field, name: field, modified: field, kind: field },
        { requiredKeys: [] },
      );
      const headerValue = fc.oneof(fc.string({ maxLength: 400 }), fc.array(fc.string({ maxLength: 50 }), { maxLength: 3 }), fc.constant(undefined));
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), fields), fc.dictionary(fc.constantFrom(...names), headerValue), fc.uint8Array(), fc.option(fc.nat()), (parsed, headers, bytes, ts) => {
          const { eventId, eventType } = h.scheme.identify({ headers, body: parsed, rawBody: Buffer.from(bytes), timestamp: ts ?? undefined, options: h.options });
          expect(eventId.length).toBeGreaterThan(0);
          expect(eventId.length).toBeLessThanOrEqual(300);
          expect(eventType.length).toBeGreaterThan(0);
          expect(eventType.length).toBeLessThanOrEqual(200);
        }),
        { numRuns: 100 },
      );
    });

    if (h.timestamp) {
      const spot = h.timestamp;
      it('any change to the timestamp is rejected', async () => {
        await fc.assert(
          fc.asyncProperty(body, h.secret, offset, timestampEdit, async (text, secret, dt, edit) => {
            const original = String(NOW + dt);
            const t = edit(original);
            fc.pre(t !== original);
            const headers = await h.sign(text, secret, NOW + dt);
            expect(verify(h, editHeader(headers, spot, () => t), Buffer.from(text), [secret])).toMatchObject({ ok: false });
          }),
          runs,
        );
      });
    }
  });
}
