/**
 * Key-encryption keys from the environment: `JUNCTION_KEK="<id>:<base64 32 bytes>[,<id>:<base64>…]"`.
 * The first key wraps new data keys; the others only unwrap, so a rotation is: put the new key first, keep
 * the old one listed, run `npm run junction -- keys rewrap`, then drop the old one.
 */
export interface KeyRing {
  readonly activeKeyId: string;
  readonly keys: ReadonlyMap<string, Buffer>;
}

export class KeyRingError extends Error {
  override readonly name = 'KeyRingError';
  readonly code = 'INVALID_KEK';
}

const KEY_ID = /^[A-Za-z0-9._-]{1,32}$/;

/** Parses the ring; errors name the entry's position and id, never key material. */
export function parseKeyRing(value: string): KeyRing {
  const keys = new Map<string, Buffer>();
  let activeKeyId: string | undefined;
  const entries = value.split(',').map((e) => e.trim()).filter(Boolean);
  if (entries.length === 0) throw new KeyRingError('expected "<id>:<base64 key>[,<id>:<base64 key>…]"');
  entries.forEach((entry, index) => {
    const separator = entry.indexOf(':');
    const id = separator > 0 ? entry.slice(0, separator) : '';
    if (!KEY_ID.test(id)) throw new KeyRingError(`entry ${index + 1}: expected "<id>:<base64 key>" with an id of letters, digits, ".", "_" or "-"`);
    const key = Buffer.from(entry.slice(separator + 1), 'base64');
    if (key.length !== 32) throw new KeyRingError(`key "${id}": must be 32 bytes of base64 (got ${key.length} bytes)`);
    if (keys.has(id)) throw new KeyRingError(`key "${id}" is listed twice`);
    keys.set(id, key);
    activeKeyId ??= id;
  });
  return { activeKeyId: activeKeyId!, keys };
}

/** One ring entry: what `keys generate` prints and what standalone mode writes to its data dir. */
export function formatKeyEntry(id: string, key: Buffer): string {
  return `${id}:${key.toString('base64')}`;
}

/** Whether `value` parses as a key ring (config validation: the message must never repeat the key material). */
export function isKeyRing(value: string): boolean {
  try {
    parseKeyRing(value);
    return true;
  } catch {
    return false;
  }
}
