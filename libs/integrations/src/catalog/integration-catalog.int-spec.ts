import { IntegrationTypeRepository } from '@junction/persistence';
import { createTestDatabase, type TestDatabase } from '@junction/testing';
import { IntegrationCatalog, INTEGRATION_TYPES } from './integration-catalog';

describe('IntegrationCatalog (real Postgres)', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(() => db.drop());

  it('sync upserts the 11 declared types; a type code no longer declares becomes inactive: hidden from search, refused for new connections', async () => {
    const repository = new IntegrationTypeRepository(db.prisma);
    expect(await new IntegrationCatalog(repository).sync()).toEqual({ active: 11, deactivated: [] });
    expect(await db.prisma.integrationType.count({ where: { active: true } })).toBe(11);

    const shrunk = new IntegrationCatalog(repository, INTEGRATION_TYPES.filter((t) => t.slug !== 'magento'));
    expect(await shrunk.sync()).toEqual({ active: 10, deactivated: ['magento'] });
    expect((await shrunk.search({ category: 'commerce' })).map((t) => t.slug)).toEqual(['shopify', 'woocommerce']);
    expect(await shrunk.get('magento')).toMatchObject({ slug: 'magento', active: false });
    await expect(shrunk.usable('magento')).rejects.toMatchObject({ code: 'INTEGRATION_TYPE_INACTIVE', status: 400 });

    // Declared again: active again.
    expect(await new IntegrationCatalog(repository).sync()).toEqual({ active: 11, deactivated: [] });
    expect(await repository.findBySlug('magento')).toMatchObject({ active: true });
  });

  it('search matches slug, name, description and category case-insensitively, and filters by kind and category', async () => {
    const catalog = new IntegrationCatalog(new IntegrationTypeRepository(db.prisma));
    await catalog.sync();
    expect((await catalog.search({ q: 'FRAPPE' })).map((t) => t.slug)).toEqual(['erpnext']);
    expect((await catalog.search({ q: 'Magento' })).map((t) => t.slug)).toEqual(['magento']);
    expect((await catalog.search({ q: 'devtools', kind: 'custom' })).map((t) => t.slug)).toEqual(['rest']);
    expect((await catalog.search({ kind: 'vendor', category: 'SOCIAL' })).map((t) => t.slug)).toEqual(['linkedin', 'reddit']);
  });

  it('validates config with the type schema: defaults filled in, input untouched, errors name the path', () => {
    const catalog = new IntegrationCatalog(new IntegrationTypeRepository(db.prisma));
    const type = { slug: 'reddit', configSchema: {} };
    const input = { userAgent: 'junction/1.0 by acme' };
    expect(catalog.validateConfig(type, input)).toEqual({ userAgent: 'junction/1.0 by acme', authBaseUrl: 'https://www.reddit.com', apiBaseUrl: 'https://oauth.reddit.com', transport: 'rest' });
    expect(input).toEqual({ userAgent: 'junction/1.0 by acme' });
    expect(() => catalog.validateConfig(type, { userAgent: 'ua-1', apiBaseUrl: 'oauth.reddit.com' })).toThrow('config.apiBaseUrl: must match format "uri"');
    expect(() => catalog.validateConfig({ slug: 'mcp-stdio', configSchema: {} }, { command: 'node', env: { A: 1 } })).toThrow('config.env.A: must be string');
    // transport mcp: the provider's MCP server replaces its REST settings, and is then required.
    const erp = { slug: 'erpnext', configSchema: {} };
    expect(catalog.validateConfig(erp, { transport: 'mcp', mcp: { url: 'https://erp-mcp.example.com/mcp' } })).toEqual({ transport: 'mcp', mcp: { url: 'https://erp-mcp.example.com/mcp' } });
    expect(() => catalog.validateConfig(erp, { transport: 'mcp' })).toThrow('config.mcp: is required by erpnext');
    expect(() => catalog.validateConfig(erp, {})).toThrow('config.baseUrl: is required by erpnext');
    expect(() => catalog.validateConfig(erp, { transport: 'mcp', mcp: { command: 'node', secretEnv: { API_KEY: 'privateKey' } } })).toThrow('config.mcp.secretEnv.API_KEY: must be equal to one of the allowed values');
    expect(() => catalog.validateConfig(erp, { transport: 'mcp', mcp: { command: '/usr/bin/not-allowed' } })).toThrow('config.mcp.command: this deployment does not allow running "/usr/bin/not-allowed"');
  });
});
