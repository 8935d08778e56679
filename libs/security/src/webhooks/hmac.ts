import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHeaders, VerifyFailureCode, VerifyInput, VerifyResult } from './webhook-scheme';

export type Failure = Extract<VerifyResult, { ok: false }>;
export type Algorithm = 'sha1' | 'sha256' | 'sha512';
export type Encoding = 'hex' | 'base64';

export function fail(code: VerifyFailureCode, message: string): Failure {
  return { ok: false, code, message };
}

/**
 * One header as a string. Node's http module joins repeated headers with ", " itself; other adapters hand
 * over arrays, which we join the same way so both paths see identical input. Blank counts as absent: an
 * empty header carries no signature, id or timestamp.
 */
export function readHeader(headers: IncomingHeaders, name: string, separator = ', '): string | undefined {
  const value = headers[name];
  const joined = Array.isArray(value) ? value.join(separator) : value;
  return joined === undefined || joined.trim() === '' ? undefined : joined.trim();
}

/** Signatures of single-signature schemes: a repeated header (or one joined by Node) yields every value. */
export function readSignatureList(headers: IncomingHeaders, name: string): string[] | undefined {
  const value = readHeader(headers, name);
  if (value === undefined) return undefined;
  return value.split(',').map((s) => s.trim()).filter(Boolean);
}

/**
 * Unix seconds in canonical decimal only: a lenient parse (`parseInt('17e9')`, leading zeros, `+`) would let
 * the checked value differ from the signed string, and Stripe, Slack and Standard Webhooks sign the string.
 */
const CANONICAL_SECONDS = /^(?:0|[1-9][0-9]{0,11})$/;

/** Runs before any HMAC: a stale or far-future request costs us no hashing. */
export function checkTimestamp(
  raw: string | undefined,
  what: string,
  input: Pick<VerifyInput, 'nowSeconds' | 'tolerance'>,
): { ok: true; timestamp: number } | Failure {
  if (raw === undefined) return fail('MISSING_SIGNATURE', `${what} is missing`);
  if (!CANONICAL_SECONDS.test(raw)) return fail('INVALID_SIGNATURE', `${what} is not a unix timestamp in seconds`);
  const timestamp = Number(raw);
  const age = input.nowSeconds - timestamp;
  if (age > input.tolerance.pastSeconds) {
    return fail('TIMESTAMP_OUT_OF_TOLERANCE', `${what} is ${age} s old; at most ${input.tolerance.pastSeconds} s are accepted`);
  }
  if (-age > input.tolerance.futureSeconds) {
    return fail('TIMESTAMP_OUT_OF_TOLERANCE', `${what} is ${-age} s in the future; at most ${input.tolerance.futureSeconds} s are accepted`);
  }
  return { ok: true, timestamp };
}

/** Parts are fed to the HMAC one by one so the raw body is never copied into a concatenated buffer. */
export function hmac(algorithm: Algorithm, key: Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const mac = createHmac(algorithm, key);
  for (const part of parts) mac.update(part);
  return mac.digest();
}

/** Length is public (it is the digest size), so comparing lengths first leaks nothing worth having. */
export function constantTimeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * True when any key's signature equals any candidate. We compare the *encoded* strings, not decoded bytes:
 * Node's hex and base64 decoders silently drop invalid characters, odd nibbles, missing padding and the
 * unused low bits of the last base64 character, so `<valid sig>zz` or a flipped padding bit would decode to
 * the valid digest. The providers emit lower-case hex and padded base64, and their own libraries compare
 * strings too.
 */
export function anyKeyMatches(
  keys: readonly Buffer[],
  candidates: readonly string[],
  encoding: Encoding,
  sign: (key: Buffer) => Buffer,
): boolean {
  const received = candidates.map((c) => Buffer.from(c, 'utf8'));
  for (const key of keys) {
    const expected = Buffer.from(sign(key).toString(encoding), 'utf8');
    if (received.some((r) => constantTimeEqual(r, expected))) return true;
  }
  return false;
}

/** A secret as the provider shows it, used verbatim as UTF-8 key bytes (GitHub, Shopify, Slack, Frappe, Stripe). */
export function utf8Key(secret: string, scheme: string): Buffer {
  if (secret.trim() === '') throw new Error(`${scheme}: the signing secret is empty`);
  return Buffer.from(secret, 'utf8');
}

export const noKeys = (): Failure => fail('INVALID_SIGNATURE', 'the endpoint has no active signing secret');

/**
 * The scheme of GitHub, Shopify and Frappe: HMAC-SHA256 of the body alone, in one header (one or more
 * signatures, each after `prefix`), no timestamp, so replays are caught by deduplicating on the event id.
 */
export function verifyBodySignature(input: VerifyInput, header: string, encoding: Encoding, prefix = ''): VerifyResult {
  const values = readSignatureList(input.headers, header);
  if (values === undefined || values.length === 0) return fail('MISSING_SIGNATURE', `the ${header} header is missing`);
  const signatures = values.filter((v) => v.startsWith(prefix)).map((v) => v.slice(prefix.length));
  if (signatures.length === 0) return fail('INVALID_SIGNATURE', `${header} does not start with ${prefix}`);
  if (input.keys.length === 0) return noKeys();
  return anyKeyMatches(input.keys, signatures, encoding, (key) => hmac('sha256', key, [input.rawBody]))
    ? { ok: true }
    : fail('INVALID_SIGNATURE', `${header} does not match the body under any active secret`);
}
