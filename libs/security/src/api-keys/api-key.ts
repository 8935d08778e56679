import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * API keys look like `jk_<id>_<secret>`: the id (12 base62 characters, no `_`, so the key splits unambiguously)
 * is public and names the row; the secret is 32 random bytes, base64url. Only sha256(key) is stored: the key
 * has 256 bits of entropy, so a slow hash would add nothing but latency to every request.
 */
export interface GeneratedApiKey {
  readonly id: string;
  /** The plaintext key: shown to its owner once, never stored or logged. */
  readonly key: string;
  /** sha256 of `key`. */
  readonly hash: Buffer;
}

const BASE62 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const ID_LENGTH = 12;
const SECRET_BYTES = 32;
const API_KEY = /^jk_([A-Za-z0-9]{12})_([A-Za-z0-9_-]{43,200})$/;

export function generateApiKey(): GeneratedApiKey {
  const id = randomBase62(ID_LENGTH);
  const key = `jk_${id}_${randomBytes(SECRET_BYTES).toString('base64url')}`;
  return { id, key, hash: hashApiKey(key) };
}

/** The id of a well-formed key; null for anything else (the caller answers 401 without saying why). */
export function parseApiKey(key: string): { id: string } | null {
  const match = API_KEY.exec(key);
  return match ? { id: match[1]! } : null;
}

export function hashApiKey(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

/** Constant-time: hashes `presented` and compares digests (equal length by construction, so no length leak). */
export function apiKeyMatches(presented: string, storedHash: Uint8Array): boolean {
  const actual = hashApiKey(presented);
  return storedHash.length === actual.length && timingSafeEqual(actual, storedHash);
}

/** Uniform over the alphabet: bytes ≥ 248 (= 4 × 62) are rejected instead of folded in with a modulo bias. */
function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}
