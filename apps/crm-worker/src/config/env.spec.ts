import { crmWorkerEnvSchema } from './env';

const base = { DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/x' };

describe('crm-worker env', () => {
  it('defaults: sandbox on 8003, 10 s timeout', () => {
    const env = crmWorkerEnvSchema.parse(base);
    expect(env).toMatchObject({ CRM_SANDBOX_PORT: 8003, CRM_TIMEOUT_MS: 10_000 });
    expect(env.CRM_URL).toBeUndefined();
  });

  it('CRM_URL and CRM_ACCESS_TOKEN go together', () => {
    const result = crmWorkerEnvSchema.safeParse({ ...base, CRM_URL: 'https://api.hubapi.com' });
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain('CRM_ACCESS_TOKEN');
    expect(crmWorkerEnvSchema.parse({ ...base, CRM_URL: 'https://api.hubapi.com', CRM_ACCESS_TOKEN: 'pat-na1-x' })).toMatchObject({ CRM_URL: 'https://api.hubapi.com' });
  });
});
