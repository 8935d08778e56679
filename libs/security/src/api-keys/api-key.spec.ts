import { apiKeyMatches, generateApiKey, hashApiKey, parseApiKey } from './api-key';

describe('API keys', () => {
  it('generates jk_<12 base62>_<43 base64url> keys whose id parses back and whose hash is sha256 of the key', () => {
    const { id, key, hash } = generateApiKey();
    expect(id).toMatch(/^[A-Za-z0-9]{12}$/);
    expect(key).toMatch(/^jk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/);
    expect(key.startsWith(`jk_${id}_`)).toBe(true);
    expect(parseApiKey(key)).toEqual({ id });
    expect(hash).toHaveLength(32);
    expect(hash.equals(hashApiKey(key))).toBe(true);
  });

  it('never repeats an id or a secret across many keys (≥ 32 random bytes each)', () => {
    const keys = Array.from({ length: 500 }, () => generateApiKey());
    expect(new Set(keys.map((k) => k.id)).size).toBe(500);
    expect(new Set(keys.map((k) => k.key.slice(16))).size).toBe(500);
    expect(keys.every((k) => Buffer.from(k.key.slice(16), 'base64url').length >= 32)).toBe(true);
  });

  it('uses the whole base62 alphabet for ids (no bias towards a subset)', () => {
    const seen = new Set(Array.from({ length: 400 }, () => generateApiKey().id).join(''));
    expect(seen.size).toBe(62);
  });

  it.each([
    ['', 'empty'],
    ['Bearer jk_abcdefghijkl_' + 'a'.repeat(43), 'with a prefix'],
    ['jk_abcdefghijk_' + 'a'.repeat(43), 'id too short'],
    ['jk_abcdefghij-l_' + 'a'.repeat(43), 'id with a dash'],
    ['jk_abcdefghijkl_' + 'a'.repeat(42), 'secret too short'],
    ['jk_abcdefghijkl_' + 'a'.repeat(42) + '=', 'secret with padding'],
    ['xk_abcdefghijkl_' + 'a'.repeat(43), 'wrong prefix'],
    ['some-legacy-api-key-of-32-characters', 'not a jk key'],
  ])('parseApiKey rejects %j (%s)', (key) => {
    expect(parseApiKey(key)).toBeNull();
  });

  it('a secret containing "_" still parses to the right id', () => {
    const key = `jk_ABCdef012345_${'_'.repeat(10)}${'x'.repeat(33)}`;
    expect(parseApiKey(key)).toEqual({ id: 'ABCdef012345' });
  });

  it('apiKeyMatches accepts the key and refuses a one-character change or a hash of the wrong length', () => {
    const { key, hash } = generateApiKey();
    expect(apiKeyMatches(key, hash)).toBe(true);
    const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(apiKeyMatches(altered, hash)).toBe(false);
    expect(apiKeyMatches(key, hash.subarray(0, 16))).toBe(false);
    expect(apiKeyMatches(key, new Uint8Array(hash))).toBe(true);
  });
});
