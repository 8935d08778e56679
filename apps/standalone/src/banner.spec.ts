import { readyBanner, type BannerFacts } from './banner';

const facts: BannerFacts = {
  readyMs: 1234,
  database: 'embedded Postgres in /data/postgres',
  migrationsApplied: 0,
  apps: [{ name: 'webhook-ingress', url: 'http://127.0.0.1:3000' }, { name: 'erp-worker', url: 'http://127.0.0.1:3001' }],
  sandboxes: [{ name: 'shopify', url: 'http://127.0.0.1:8001', stop: async () => undefined }],
  ingressUrl: 'http://127.0.0.1:3000',
  apiKey: 'jk_AbCdEf012345_key',
  apiKeyWorksForAdmin: true,
  kek: '/data/kek',
  cliEnvPrefix: '',
};

describe('readyBanner', () => {
  it('shows the key in the first command and in the admin API example, and the CLI alternative', () => {
    const banner = readyBanner(facts);
    expect(banner).toMatch(/^Junction is ready in 1234 ms/m);
    expect(banner).toContain('curl -s -X POST http://127.0.0.1:3000/commands');
    expect(banner).toContain('curl -s -X POST http://127.0.0.1:3000/admin/webhook-endpoints');
    expect(banner.match(/Bearer jk_AbCdEf012345_key/g)).toHaveLength(2);
    expect(banner).toMatch(/^ {2}npm run junction -- endpoints add --id my-shop --provider shopify --scheme shopify --secret-stdin$/m);
    expect(banner).toContain('key ring in /data/kek');
    expect(banner).toContain('The admin API, documented: http://127.0.0.1:3000/docs');
    expect(banner).toContain('npm run junction -- integration-types list');
  });

  it('without an admin key, offers no admin example but says how to get a key; names a non-default data dir for the CLI', () => {
    const banner = readyBanner({ ...facts, apiKey: 'legacy-key-of-32-characters-xxxx', apiKeyWorksForAdmin: false, cliEnvPrefix: 'JUNCTION_DATA_DIR=/tmp/j ' });
    expect(banner).not.toContain('/admin/webhook-endpoints');
    expect(banner).toContain('api-keys create --name me --scope admin');
    expect(banner).toContain('JUNCTION_DATA_DIR=/tmp/j npm run junction -- endpoints add');
  });
});
