import { ApiKeyRepository, AuditEventRepository } from '@junction/persistence';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { ApiKeyService } from '@junction/webhooks';
import { standaloneApiKey } from './api-key';

describe('standaloneApiKey (real Postgres)', () => {
  let db: TestDatabase;
  let apiKeys: ApiKeyService;
  beforeAll(async () => {
    db = await createTestDatabase();
    apiKeys = new ApiKeyService(db.prisma, new ApiKeyRepository(db.prisma), new AuditEventRepository(db.prisma));
  });
  afterAll(() => db.drop());

  it('generates a jk_ key that authenticates for the admin API and /commands; the next start’s key replaces it', async () => {
    const first = await standaloneApiKey(db.url, 'default', undefined);
    expect(first).toEqual({ key: expect.stringMatching(/^jk_[A-Za-z0-9]{12}_[A-Za-z0-9_-]{43}$/), admin: true });
    expect(await apiKeys.authenticate(first.key, 'admin')).toMatchObject({ tenantId: 'default', scopes: ['admin', 'commands'] });
    expect(await apiKeys.authenticate(first.key, 'commands')).not.toBeNull();

    const second = await standaloneApiKey(db.url, 'default', undefined);
    expect(await apiKeys.authenticate(second.key, 'admin')).not.toBeNull();
    expect(await apiKeys.authenticate(first.key, 'admin')).toBeNull();
    expect((await db.prisma.auditEvent.findMany({ where: { actor: 'standalone' }, orderBy: { occurredAt: 'asc' } })).map((e) => e.action)).toEqual(['api-key.created', 'api-key.created', 'api-key.revoked']);
  });

  it('registers a configured jk_ key once (a restart changes nothing) and keeps it', async () => {
    const { key } = await standaloneApiKey(db.url, 'default', undefined);
    const configured = await standaloneApiKey(db.url, 'default', key);
    const again = await standaloneApiKey(db.url, 'default', key);
    expect([configured.admin, again.admin]).toEqual([true, true]);
    expect(await apiKeys.authenticate(key, 'admin')).not.toBeNull();
  });

  it('accepts a key in another format for /commands only, and says why the admin API will refuse it', async () => {
    const legacy = await standaloneApiKey(db.url, 'default', 'an-older-key-of-32-characters-xx');
    expect(legacy).toEqual({ key: 'an-older-key-of-32-characters-xx', admin: false, warning: expect.stringMatching(/not a jk_… key: it works for POST \/commands only/) });
    expect(legacy.warning).not.toContain(legacy.key);
  });

  it('a revoked key or one of another tenant is not offered for admin', async () => {
    const { key } = await standaloneApiKey(db.url, 'default', undefined);
    const otherTenant = await standaloneApiKey(db.url, 'acme', key);
    expect(otherTenant).toMatchObject({ admin: false, warning: expect.stringMatching(/belongs to another tenant/) });

    await apiKeys.revoke({ tenantId: 'default', actor: 'test' }, key.slice(3, 15));
    expect(await standaloneApiKey(db.url, 'default', key)).toMatchObject({ admin: false, warning: expect.stringMatching(/is revoked/) });
  });
});
