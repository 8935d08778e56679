import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { type Credential, CredentialRepository, type Tx } from '@junction/persistence';
import { CredentialVault, type SealedSecret } from './credential-vault';

export interface StoreCredentialInput {
  tenantId: string;
  /** webhook-secret | api-token | oauth-token … */
  purpose: string;
  plaintext: string;
  expiresAt?: Date | null;
}

export interface RewrapReport {
  /** Rows this run re-wrapped under the active KEK. */
  rewrapped: number;
  /** Rows already under the active KEK when the run started (left alone). */
  current: number;
}

/** The sealed columns of a credential row (what `reveal` needs). */
export type SealedCredential = Pick<Credential, 'id' | 'ciphertext' | 'iv' | 'tag' | 'wrappedKey' | 'keyId'>;

/**
 * Credentials at rest: the only place that turns plaintext into a credential row and back. The row id is the
 * vault's context, so a sealed secret copied onto another row does not open. Nothing here logs a plaintext.
 */
@Injectable()
export class CredentialService {
  private readonly logger = new Logger(CredentialService.name);

  constructor(
    private readonly vault: CredentialVault,
    private readonly credentials: CredentialRepository,
  ) {}

  /** Seals and inserts in the caller's transaction; returns the new row's id. */
  async store(tx: Tx, input: StoreCredentialInput): Promise<string> {
    const id = randomUUID();
    const sealed = this.vault.seal(input.plaintext, id);
    await this.credentials.insert(tx, { id, tenantId: input.tenantId, purpose: input.purpose, expiresAt: input.expiresAt ?? null, ...sealed });
    return id;
  }

  /** The plaintext. Throws VaultError (UNKNOWN_KEK, DECRYPTION_FAILED), whose message holds no secret. */
  reveal(row: SealedCredential): string {
    return this.vault.open(toSealed(row), row.id);
  }

  /**
   * After a KEK rotation (new key first in JUNCTION_KEK, old one still listed): re-wraps every data key that
   * the active KEK does not wrap yet, `batchSize` rows at a time. Ciphertexts are untouched. Safe to run while
   * the apps serve (both keys open either way) and twice at once (compare-and-set per row); a row whose KEK
   * is no longer listed stops the run with VaultError UNKNOWN_KEK, after the rows before it were saved.
   */
  async rewrapAll(batchSize = 100): Promise<RewrapReport> {
    const activeKeyId = this.vault.activeKeyId;
    const current = await this.credentials.countWrappedBy(activeKeyId);
    let rewrapped = 0;
    let afterId: string | undefined;
    for (;;) {
      const rows = await this.credentials.findNotWrappedBy(activeKeyId, batchSize, afterId);
      if (rows.length === 0) break;
      for (const row of rows) {
        const next = this.vault.rewrap(toSealed(row), row.id);
        if (await this.credentials.replaceWrappedKey(row.id, row.keyId, { wrappedKey: next.wrappedKey, keyId: next.keyId, rotatedAt: new Date() })) rewrapped++;
      }
      afterId = rows[rows.length - 1]!.id;
    }
    this.logger.log({ message: 'credentials re-wrapped', activeKeyId, rewrapped, current });
    return { rewrapped, current };
  }
}

function toSealed(row: SealedCredential): SealedSecret {
  return { ciphertext: buffer(row.ciphertext), iv: buffer(row.iv), tag: buffer(row.tag), wrappedKey: buffer(row.wrappedKey), keyId: row.keyId };
}

function buffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
