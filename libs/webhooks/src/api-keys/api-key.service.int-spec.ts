import { createHash } from 'node:crypto';
import { ApiKeyRepository, AuditEventRepository } from '@junction/persistence';
import { generateApiKey } from '@junction/security';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import type { ActorContext } from '../endpoints/endpoint.types';
import { ApiKeyService } from './api-key.service';
import { ApiKeyError } from './api-key.types';

const A: ActorContext = { tenantId: 'tenant-a', actor: 'cli' };
const B: ActorContext = { tenantId: 'tenant-b', actor: 'cli' };

async function apiKeyError(promise: Promise<unknown>): Promise<ApiKeyError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof ApiKeyError)) throw new Error(`expected an ApiKeyError, got ${String(error)}`);
  return error;
}

describe('ApiKeyService (real Postgres)', () => {
  let db: TestDatabase;
  let service: ApiKeyService;
  const row = (id: string) => db.prisma.apiKey.findUniqueOrThrow({ where: { id } });

  beforeAll(async () => {
    db = await createTestDatabase();
    service = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
  });
  afterAll(() => db.drop());
  beforeEach(async () => {
    await db.prisma.apiKey.deleteMany();
    await db.prisma.auditEvent.deleteMany();
  });

  it('creates a key shown once; only its sha256 is stored; the creation is audited without it', async () => {
    const { key, view } = await service.create(A, { name: 'ops', scopes: ['admin'] });
    expect(key).toMatch(new RegExp(`^jk_${view.id}_[A-Za-z0-9_-]{43}$`));
    expect(view).toMatchObject({ tenantId: 'tenant-a', name: 'ops', scopes: ['admin'], lastUsedAt: null, revokedAt: null });
    const stored = await row(view.id);
    expect(Buffer.from(stored.hash).equals(createHash('sha256').update(key).digest())).toBe(true);
    const secretPart = key.slice(16);
    expect(JSON.stringify(stored)).not.toContain(secretPart);
    expect(JSON.stringify(view)).not.toContain(secretPart);
    const audit = await db.prisma.auditEvent.findMany();
    expect(audit).toMatchObject([{ action: 'api-key.created', actor: 'cli', tenantId: 'tenant-a', subject: view.id, outcome: 'ok', detail: { name: 'ops', scopes: ['admin'] } }]);
    expect(JSON.stringify(audit)).not.toContain(secretPart);
  });

  it('validates name and scopes', async () => {
    expect(await apiKeyError(service.create(A, { name: '', scopes: ['admin'] }))).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(await apiKeyError(service.create(A, { name: 'x', scopes: [] }))).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await apiKeyError(service.create(A, { name: 'x', scopes: ['root' as never] }))).toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('authenticates the right key for its scope only; wrong, malformed, unknown and revoked keys get null', async () => {
    const { key, view } = await service.create(A, { name: 'ops', scopes: ['admin'] });
    expect(await service.authenticate(key, 'admin')).toEqual({ id: view.id, tenantId: 'tenant-a', scopes: ['admin'], mcpTools: [] });
    expect(await service.authenticate(key, 'commands')).toBeNull();
    // Only the holder of a valid key learns that it lacks the scope (403 rather than 401 at the HTTP edge).
    expect(await service.verify(key, 'commands')).toEqual({ ok: false, reason: 'MISSING_SCOPE' });
    const altered = key.slice(0, -1) + (key.endsWith('A') ? 'B' : 'A');
    expect(await service.authenticate(altered, 'admin')).toBeNull();
    expect(await service.authenticate('not a key', 'admin')).toBeNull();
    expect(await service.authenticate(generateApiKey().key, 'admin')).toBeNull();
    expect(await service.verify(altered, 'commands')).toEqual({ ok: false, reason: 'INVALID_KEY' });
    await service.revoke(A, view.id);
    expect(await service.authenticate(key, 'admin')).toBeNull();
    expect(await service.verify(key, 'commands')).toEqual({ ok: false, reason: 'INVALID_KEY' });
  });

  it('records lastUsedAt at most once a minute', async () => {
    const { key, view } = await service.create(A, { name: 'ops', scopes: ['admin', 'commands'] });
    await service.authenticate(key, 'admin');
    const first = (await row(view.id)).lastUsedAt!;
    expect(first).toBeInstanceOf(Date);
    await service.authenticate(key, 'commands');
    expect((await row(view.id)).lastUsedAt).toEqual(first);
    await db.prisma.apiKey.update({ where: { id: view.id }, data: { lastUsedAt: new Date(Date.now() - 61_000) } });
    await service.authenticate(key, 'admin');
    expect((await row(view.id)).lastUsedAt!.getTime()).toBeGreaterThan(Date.now() - 5_000);
  });

  it('lists and revokes per tenant; revoking twice is a no-op; another tenant’s key is not found', async () => {
    const a = await service.create(A, { name: 'a', scopes: ['admin'] });
    await service.create(B, { name: 'b', scopes: ['admin'] });
    expect((await service.list(A)).map((k) => k.name)).toEqual(['a']);
    expect(await apiKeyError(service.revoke(B, a.view.id))).toMatchObject({ code: 'API_KEY_NOT_FOUND', status: 404 });
    expect((await row(a.view.id)).revokedAt).toBeNull();
    const revoked = await service.revoke(A, a.view.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect((await service.revoke(A, a.view.id)).revokedAt).toEqual(revoked.revokedAt);
    expect(await db.prisma.auditEvent.count({ where: { action: 'api-key.revoked' } })).toBe(1);
  });

  it('ensure registers a given key once, updates name and scopes, and never revives a revoked key', async () => {
    const { key, id } = generateApiKey();
    const created = await service.ensure(A, { key, name: 'standalone', scopes: ['admin', 'commands'] });
    expect(created).toMatchObject({ id, tenantId: 'tenant-a', scopes: ['admin', 'commands'] });
    expect(await service.authenticate(key, 'commands')).toMatchObject({ id, tenantId: 'tenant-a' });
    await service.ensure(A, { key, name: 'standalone', scopes: ['admin', 'commands'] });
    expect(await db.prisma.auditEvent.count()).toBe(1);

    expect((await service.ensure(A, { key, name: 'renamed', scopes: ['admin'] })).name).toBe('renamed');
    expect(await service.authenticate(key, 'commands')).toBeNull();
    expect((await db.prisma.auditEvent.findMany({ where: { action: 'api-key.updated' } })).map((a) => a.detail)).toEqual([{ fields: ['name', 'scopes'], via: 'ensure' }]);

    await service.revoke(A, id);
    expect((await service.ensure(A, { key, name: 'renamed', scopes: ['admin'] })).revokedAt).toBeInstanceOf(Date);
    expect(await service.authenticate(key, 'admin')).toBeNull();
  });

  it('ensure refuses a malformed key (without echoing it) and a key id of another tenant', async () => {
    const malformed = await apiKeyError(service.ensure(A, { key: 'legacy-plaintext-key-123456', name: 'x', scopes: ['admin'] }));
    expect(malformed).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(malformed.message).not.toContain('legacy-plaintext');
    const { key } = generateApiKey();
    await service.ensure(A, { key, name: 'x', scopes: ['admin'] });
    expect(await apiKeyError(service.ensure(B, { key, name: 'x', scopes: ['admin'] }))).toMatchObject({ code: 'API_KEY_EXISTS', status: 409 });
  });
});
