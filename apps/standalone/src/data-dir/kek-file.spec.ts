import { mkdtempSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KeyRingError, parseKeyRing } from '@junction/security';
import { kekFilePath, readKekFileIfPresent, readOrCreateKekFile } from './kek-file';

describe('readOrCreateKekFile', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'junction-kek-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('creates the data dir and a 0600 ring with one fresh 32-byte key named local-1', async () => {
    const dataDir = join(root, 'nested', 'data');
    const kek = await readOrCreateKekFile(dataDir);

    expect(kek).toMatchObject({ path: join(dataDir, 'kek'), created: true, readableByOthers: false });
    expect(statSync(kek.path).mode & 0o777).toBe(0o600);
    const ring = parseKeyRing(kek.value);
    expect(ring.activeKeyId).toBe('local-1');
    expect(ring.keys.get('local-1')).toHaveLength(32);
  });

  it('reuses the file on the next start instead of replacing the key', async () => {
    const first = await readOrCreateKekFile(root);
    const second = await readOrCreateKekFile(root);
    expect(second).toMatchObject({ created: false, value: first.value });
    expect(statSync(second.path).mode & 0o777).toBe(0o600);
  });

  it('creates exactly one key when several processes start at once', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => readOrCreateKekFile(root)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.value)).size).toBe(1);
  });

  it('reads a ring edited by hand, one entry per line, first entry active', async () => {
    const key = (fill: number) => Buffer.alloc(32, fill).toString('base64');
    writeFileSync(kekFilePath(root), `local-2:${key(2)}\nlocal-1:${key(1)}\n`, { mode: 0o600 });
    const kek = await readOrCreateKekFile(root);
    expect(kek.value).toBe(`local-2:${key(2)},local-1:${key(1)}`);
    expect(parseKeyRing(kek.value).activeKeyId).toBe('local-2');
  });

  it('reports a file others can read, and refuses one that is not a ring', async () => {
    await readOrCreateKekFile(root);
    chmodSync(kekFilePath(root), 0o644);
    expect((await readOrCreateKekFile(root)).readableByOthers).toBe(true);

    writeFileSync(kekFilePath(root), 'local-1:c2hvcnQ=\n');
    await expect(readOrCreateKekFile(root)).rejects.toThrow(KeyRingError);
    await expect(readOrCreateKekFile(root)).rejects.not.toThrow(/c2hvcnQ/);
  });

  it('readKekFileIfPresent never creates the file', async () => {
    expect(await readKekFileIfPresent(root)).toBeUndefined();
    const { value } = await readOrCreateKekFile(root);
    expect(await readKekFileIfPresent(root)).toBe(value);
  });
});
