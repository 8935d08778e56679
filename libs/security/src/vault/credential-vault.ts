import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { KeyRing } from './key-ring';

/** A secret as stored: AES-256-GCM under its own data key, and that key wrapped by the KEK `keyId`. */
export interface SealedSecret {
  readonly ciphertext: Buffer;
  readonly iv: Buffer;
  readonly tag: Buffer;
  /** iv (12) | tag (16) | encrypted data key (32). */
  readonly wrappedKey: Buffer;
  readonly keyId: string;
}

export class VaultError extends Error {
  override readonly name = 'VaultError';
  constructor(
    readonly code: 'UNKNOWN_KEK' | 'DECRYPTION_FAILED',
    message: string,
  ) {
    super(message);
  }
}

const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Envelope encryption. Each record gets a fresh 256-bit data key; only the data key is encrypted with the
 * key-encryption key, so a KEK rotation re-wraps 60 bytes per record and never touches the ciphertext.
 * `context` (the record id) is bound into both layers as associated data: a sealed secret copied onto
 * another record fails to open. Errors never contain plaintext or key material.
 */
export class CredentialVault {
  constructor(private readonly ring: KeyRing) {}

  get activeKeyId(): string {
    return this.ring.activeKeyId;
  }

  seal(plaintext: string, context: string): SealedSecret {
    const dataKey = randomBytes(32);
    const { iv, tag, ciphertext } = encrypt(dataKey, Buffer.from(plaintext, 'utf8'), context);
    return { ciphertext, iv, tag, wrappedKey: this.wrap(dataKey, context), keyId: this.ring.activeKeyId };
  }

  open(sealed: SealedSecret, context: string): string {
    const dataKey = this.unwrap(sealed, context);
    return decrypt(dataKey, sealed, context, 'secret').toString('utf8');
  }

  /** True when the record's data key is wrapped by a KEK other than the active one. */
  needsRewrap(sealed: Pick<SealedSecret, 'keyId'>): boolean {
    return sealed.keyId !== this.ring.activeKeyId;
  }

  /** The same data key and ciphertext, the data key wrapped anew under the active KEK. */
  rewrap(sealed: SealedSecret, context: string): SealedSecret {
    const dataKey = this.unwrap(sealed, context);
    return { ...sealed, wrappedKey: this.wrap(dataKey, context), keyId: this.ring.activeKeyId };
  }

  private wrap(dataKey: Buffer, context: string): Buffer {
    const kek = this.ring.keys.get(this.ring.activeKeyId)!;
    const { iv, tag, ciphertext } = encrypt(kek, dataKey, `kek:${context}`);
    return Buffer.concat([iv, tag, ciphertext]);
  }

  private unwrap(sealed: SealedSecret, context: string): Buffer {
    const kek = this.ring.keys.get(sealed.keyId);
    if (!kek) throw new VaultError('UNKNOWN_KEK', `the secret is wrapped by key "${sealed.keyId}", which JUNCTION_KEK does not list`);
    const w = sealed.wrappedKey;
    return decrypt(kek, { iv: w.subarray(0, IV_BYTES), tag: w.subarray(IV_BYTES, IV_BYTES + TAG_BYTES), ciphertext: w.subarray(IV_BYTES + TAG_BYTES) }, `kek:${context}`, 'data key');
  }
}

function encrypt(key: Buffer, plaintext: Buffer, aad: string): { iv: Buffer; tag: Buffer; ciphertext: Buffer } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv, tag: cipher.getAuthTag(), ciphertext };
}

function decrypt(key: Buffer, box: { iv: Buffer; tag: Buffer; ciphertext: Buffer }, aad: string, what: string): Buffer {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, box.iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(aad, 'utf8'));
    decipher.setAuthTag(box.tag);
    return Buffer.concat([decipher.update(box.ciphertext), decipher.final()]);
  } catch {
    // Node's own message ("Unsupported state or unable to authenticate data") says nothing useful; ours says which layer.
    throw new VaultError('DECRYPTION_FAILED', `the ${what} does not open: wrong key, wrong record, or altered bytes`);
  }
}
