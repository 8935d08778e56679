import { randomBytes } from 'node:crypto';
import { link, mkdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { formatKeyEntry, parseKeyRing } from '@junction/security';

/** The id of the key a fresh data dir gets; `keys generate` suggests the next ones (local-2, …). */
export const FIRST_LOCAL_KEY_ID = 'local-1';

export interface KekFile {
  readonly path: string;
  /** The ring as JUNCTION_KEK expects it (`<id>:<base64>[,…]`). */
  readonly value: string;
  /** True when this call wrote the file. */
  readonly created: boolean;
  /** True when group or others may read the file (it was loosened after we wrote it 0600). */
  readonly readableByOthers: boolean;
}

export function kekFilePath(dataDir: string): string {
  return join(dataDir, 'kek');
}

/**
 * The key-encryption key ring used when JUNCTION_KEK is unset: `<data dir>/kek`, created once with one fresh
 * 256-bit key (mode 0600) and reused on every later start, by standalone and by the CLI alike. Losing it makes
 * every stored webhook secret unreadable: it belongs in the same backup as the database, never in git.
 * The file may list several entries (comma- or newline-separated), first one active, as in JUNCTION_KEK.
 * Throws KeyRingError (no key material in the message) when the file does not hold a valid ring.
 */
export async function readOrCreateKekFile(dataDir: string): Promise<KekFile> {
  const path = kekFilePath(dataDir);
  // Default mode on purpose: run as root, embedded Postgres (user `postgres`) must still traverse the data dir.
  await mkdir(dataDir, { recursive: true });
  const created = await createExclusively(path, `${formatKeyEntry(FIRST_LOCAL_KEY_ID, randomBytes(32))}\n`);
  const value = normalizeRing(await readFile(path, 'utf8'));
  parseKeyRing(value);
  const { mode } = await stat(path);
  return { path, value, created, readableByOthers: (mode & 0o077) !== 0 };
}

/** Reads the ring file if there is one; never creates it. */
export async function readKekFileIfPresent(dataDir: string): Promise<string | undefined> {
  try {
    return normalizeRing(await readFile(kekFilePath(dataDir), 'utf8'));
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function normalizeRing(text: string): string {
  return text.split(/[\s,]+/).filter(Boolean).join(',');
}

/**
 * Writes a temporary file and hard-links it into place: the link fails when the file exists, so two processes
 * starting at once can neither both create a key (one overwriting the other's) nor read a half-written file.
 */
async function createExclusively(path: string, content: string): Promise<boolean> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, content, { mode: 0o600, flag: 'wx' });
  try {
    await link(temporary, path);
    return true;
  } catch (error: unknown) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
}
