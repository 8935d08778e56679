import { randomBytes } from 'node:crypto';
import { CredentialRepository } from '@junction/persistence';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { CredentialService } from './credential.service';
import { CredentialVault, VaultError } from './credential-vault';
import { formatKeyEntry, parseKeyRing } from './key-ring';

const k1 = formatKeyEntry('k1', randomBytes(32));
const k2 = formatKeyEntry('k2', randomBytes(32));

describe('CredentialService (real Postgres)', () => {
  let db: TestDatabase;
  let repository: CredentialRepository;
  const serviceWith = (ring: string) => new CredentialService(new CredentialVault(parseKeyRing(ring)), repository);

  beforeAll(async () => {
    db = await createTestDatabase();
    repository = new CredentialRepository(db.prisma);
  });
  afterAll(() => db.drop());
  beforeEach(() => db.prisma.credential.deleteMany());

  it('stores a sealed row (no plaintext bytes anywhere in it) and reveals it', async () => {
    const service = serviceWith(k1);
    const expiresAt = new Date(Date.now() + 60_000);
    const id = await db.prisma.transaction((tx) => service.store(tx, { tenantId: 't1', purpose: 'api-token', plaintext: 'tok_plaintext-value', expiresAt }));
    const row = (await repository.findById(id))!;
    expect(row).toMatchObject({ id, tenantId: 't1', purpose: 'api-token', keyId: 'k1', expiresAt, rotatedAt: null });
    const everything = Buffer.concat([row.ciphertext, row.iv, row.tag, row.wrappedKey, Buffer.from(JSON.stringify(row))]);
    expect(everything.includes(Buffer.from('plaintext-value'))).toBe(false);
    expect(service.reveal(row)).toBe('tok_plaintext-value');
  });

  it('stores nothing when the surrounding transaction rolls back', async () => {
    const service = serviceWith(k1);
    await expect(
      db.prisma.transaction(async (tx) => {
        await service.store(tx, { tenantId: 't1', purpose: 'api-token', plaintext: 'x' });
        throw new Error('later step failed');
      }),
    ).rejects.toThrow('later step failed');
    expect(await db.prisma.credential.count()).toBe(0);
  });

  it('rewrapAll after a KEK rotation: every row moves to the new key in batches, ciphertexts untouched, old key no longer needed', async () => {
    const before = serviceWith(k1);
    const plaintexts = Array.from({ length: 7 }, (_, i) => `secret-${i}`);
    const ids = await db.prisma.transaction(async (tx) => {
      const out: string[] = [];
      for (const plaintext of plaintexts) out.push(await before.store(tx, { tenantId: 't1', purpose: 'webhook-secret', plaintext }));
      return out;
    });
    const rotated = serviceWith(`${k2},${k1}`);
    const alreadyNew = await db.prisma.transaction((tx) => rotated.store(tx, { tenantId: 't1', purpose: 'webhook-secret', plaintext: 'born-under-k2' }));
    const ciphertexts = new Map((await db.prisma.credential.findMany()).map((r) => [r.id, Buffer.from(r.ciphertext).toString('hex')]));

    expect(await rotated.rewrapAll(3)).toEqual({ rewrapped: 7, current: 1 });

    const rows = await db.prisma.credential.findMany();
    expect(rows.every((r) => r.keyId === 'k2')).toBe(true);
    expect(rows.filter((r) => r.rotatedAt !== null).map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(rows.find((r) => r.id === alreadyNew)!.rotatedAt).toBeNull();
    expect(rows.every((r) => Buffer.from(r.ciphertext).toString('hex') === ciphertexts.get(r.id))).toBe(true);

    const onlyK2 = serviceWith(k2);
    const byId = new Map(rows.map((r) => [r.id, r]));
    expect(ids.map((id) => onlyK2.reveal(byId.get(id)!))).toEqual(plaintexts);
    expect(await rotated.rewrapAll()).toEqual({ rewrapped: 0, current: 8 });
  });

  it('stops with UNKNOWN_KEK (naming the key id, nothing secret) when a row’s KEK was dropped too early', async () => {
    await db.prisma.transaction((tx) => serviceWith(k1).store(tx, { tenantId: 't1', purpose: 'x', plaintext: 'orphaned-plaintext' }));
    const error = await serviceWith(k2).rewrapAll().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(VaultError);
    expect(error).toMatchObject({ code: 'UNKNOWN_KEK' });
    expect((error as Error).message).toContain('"k1"');
    expect((error as Error).message).not.toContain('orphaned');
  });
});
