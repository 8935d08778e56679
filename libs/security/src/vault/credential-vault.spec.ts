import { randomBytes } from 'node:crypto';
import { CredentialVault, VaultError } from './credential-vault';
import { formatKeyEntry, KeyRingError, parseKeyRing } from './key-ring';

const k1 = randomBytes(32);
const k2 = randomBytes(32);

describe('CredentialVault', () => {
  const vault = new CredentialVault(parseKeyRing(formatKeyEntry('k1', k1)));

  it('opens what it sealed, and the ciphertext does not contain the plaintext', () => {
    const sealed = vault.seal('whsec_super-secret', 'cred-1');
    expect(sealed.keyId).toBe('k1');
    expect(sealed.ciphertext.toString('utf8')).not.toContain('super-secret');
    expect(vault.open(sealed, 'cred-1')).toBe('whsec_super-secret');
  });

  it('refuses a sealed secret moved to another record (associated data)', () => {
    const sealed = vault.seal('s3cret', 'cred-1');
    expect(() => vault.open(sealed, 'cred-2')).toThrow(VaultError);
  });

  it('refuses altered bytes without echoing anything secret', () => {
    const sealed = vault.seal('s3cret', 'cred-1');
    const tampered = { ...sealed, ciphertext: Buffer.from(sealed.ciphertext.map((b, i) => (i === 0 ? b ^ 1 : b))) };
    expect(() => vault.open(tampered, 'cred-1')).toThrow(/does not open/);
    try {
      vault.open(tampered, 'cred-1');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('s3cret');
    }
  });

  it('rotates: the new key wraps, the old one still opens until re-wrapped, then is no longer needed', () => {
    const sealedUnderK1 = vault.seal('rotate-me', 'cred-9');
    const rotated = new CredentialVault(parseKeyRing(`${formatKeyEntry('k2', k2)},${formatKeyEntry('k1', k1)}`));
    expect(rotated.needsRewrap(sealedUnderK1)).toBe(true);
    expect(rotated.open(sealedUnderK1, 'cred-9')).toBe('rotate-me');
    const rewrapped = rotated.rewrap(sealedUnderK1, 'cred-9');
    expect(rewrapped.keyId).toBe('k2');
    expect(rewrapped.ciphertext).toEqual(sealedUnderK1.ciphertext);
    const onlyK2 = new CredentialVault(parseKeyRing(formatKeyEntry('k2', k2)));
    expect(onlyK2.open(rewrapped, 'cred-9')).toBe('rotate-me');
    expect(() => onlyK2.open(sealedUnderK1, 'cred-9')).toThrow(expect.objectContaining({ code: 'UNKNOWN_KEK' }));
  });
});

describe('parseKeyRing', () => {
  it('takes the first entry as the active key', () => {
    const ring = parseKeyRing(` ${formatKeyEntry('b', k2)} , ${formatKeyEntry('a', k1)} `);
    expect(ring.activeKeyId).toBe('b');
    expect([...ring.keys.keys()]).toEqual(['b', 'a']);
  });

  it.each([
    ['', /expected/],
    ['nokey', /entry 1/],
    [`k1:${Buffer.alloc(16).toString('base64')}`, /32 bytes/],
    [`${formatKeyEntry('k1', k1)},${formatKeyEntry('k1', k2)}`, /twice/],
  ])('rejects %j with a message that holds no key material', (value, message) => {
    expect(() => parseKeyRing(value)).toThrow(KeyRingError);
    expect(() => parseKeyRing(value)).toThrow(message);
    try {
      parseKeyRing(value);
    } catch (error) {
      expect((error as Error).message).not.toContain(k1.toString('base64'));
    }
  });
});
