import { erpWorkerEnvSchema } from '../../../../apps/erp-worker/src/config/env';
import { ResiliencePipelines } from '@junction/resilience';
import { baseEnvSchema, ConfigError, parseEnv, refineBaseEnv } from './base-env';

const schema = baseEnvSchema.superRefine(refineBaseEnv);
const db = { DATABASE_URL: 'postgresql://root@127.0.0.1:5432/junction' };

describe('config', () => {
  it('applies defaults for everything but the database', () => {
    const env = parseEnv(schema, db, 'erp-worker');
    expect(env).toMatchObject({ BUS: 'memory', LOG_LEVEL: 'info', MAX_DELIVERY_COUNT: 10, CONSUMER_CONCURRENCY: 8, TENANT_ID: 'default' });
  });

  it('coerces numbers and treats empty values as unset', () => {
    const env = parseEnv(schema, { ...db, MAX_DELIVERY_COUNT: '3', PORT: '', OTEL_EXPORTER_OTLP_ENDPOINT: '' }, 'x');
    expect(env.MAX_DELIVERY_COUNT).toBe(3);
    expect(env.PORT).toBeUndefined();
  });

  it('names the variable and the reason in one line', () => {
    expect(() => parseEnv(schema, { ...db, BUS: 'kafka' }, 'erp-worker')).toThrow(/^erp-worker: invalid configuration: BUS: .*memory.*rabbitmq.*servicebus/);
    expect(() => parseEnv(schema, {}, 'erp-worker')).toThrow('erp-worker: invalid configuration: DATABASE_URL: required');
    expect(() => parseEnv(schema, { ...db, BUS: 'rabbitmq' }, 'w')).toThrow('RABBITMQ_URL: required when BUS=rabbitmq');
    expect(() => parseEnv(schema, { ...db, BUS: 'servicebus' }, 'w')).toThrow('SERVICE_BUS_CONNECTION_STRING: required when BUS=servicebus');
    expect(() => parseEnv(schema, { ...db, MAX_DELIVERY_COUNT: 'many' }, 'w')).toThrow(/MAX_DELIVERY_COUNT/);
    const message = (() => {
      try {
        parseEnv(schema, { ...db, BUS: 'nope', PORT: '99999' }, 'w');
      } catch (e) {
        return (e as Error).message;
      }
    })();
    expect(message).not.toContain('\n');
    expect(message).toMatch(/PORT: .*; BUS: /);
  });

  it('never echoes a rejected value (it may be a secret)', () => {
    const secretish = 'amqp-but-not-a-url-with-s3cr3t';
    let error: unknown;
    try {
      parseEnv(schema, { ...db, BUS: 'rabbitmq', RABBITMQ_URL: secretish }, 'w');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain('RABBITMQ_URL');
    expect((error as Error).message).not.toContain('s3cr3t');
  });

  it('requires ERPNext credentials all together or not at all', () => {
    expect(parseEnv(erpWorkerEnvSchema, db, 'erp-worker').ERPNEXT_URL).toBeUndefined();
    expect(() => parseEnv(erpWorkerEnvSchema, { ...db, ERPNEXT_URL: 'https://erp.example.com' }, 'erp-worker')).toThrow(
      /ERPNEXT_API_KEY: set ERPNEXT_URL, ERPNEXT_API_KEY and ERPNEXT_API_SECRET together/,
    );
  });

  describe('PROVIDER_POLICY_OVERRIDES', () => {
    it('parses per-provider and per-connection overrides into what ResiliencePipelines merges', () => {
      const overrides = {
        erpnext: { rateLimits: [{ kind: 'quota', name: 'erpnext-hourly', limit: 20_000, window: 'hour' }], retry: { maxAttempts: 2 } },
        'crm/acme-plus': { rateLimits: [], timeouts: { attemptMs: 5_000 } },
      };
      const env = parseEnv(schema, { ...db, PROVIDER_POLICY_OVERRIDES: JSON.stringify(overrides) }, 'w');
      expect(env.PROVIDER_POLICY_OVERRIDES).toEqual(overrides);
      const pipelines = new ResiliencePipelines({ overrides: env.PROVIDER_POLICY_OVERRIDES });
      expect(pipelines.policyFor('erpnext', 'default')).toMatchObject({ rateLimits: [{ limit: 20_000 }], retry: { maxAttempts: 2, baseDelayMs: 250 } });
      expect(pipelines.policyFor('crm', 'acme-plus')).toMatchObject({ rateLimits: [], timeouts: { attemptMs: 5_000, connectMs: 3_000 } });
      expect(pipelines.policyFor('crm', 'other').rateLimits).not.toHaveLength(0);
      pipelines.close();
    });

    it('is optional and treats an empty value as unset', () => {
      expect(parseEnv(schema, { ...db, PROVIDER_POLICY_OVERRIDES: '' }, 'w').PROVIDER_POLICY_OVERRIDES).toBeUndefined();
    });

    it.each([
      ['not JSON', '{erpnext:', /PROVIDER_POLICY_OVERRIDES: must be a JSON object/],
      ['a typo in a field', '{"erpnext":{"retrys":{"maxAttempts":2}}}', /PROVIDER_POLICY_OVERRIDES\.erpnext/],
      ['a rule that can never grant', '{"erpnext":{"rateLimits":[{"kind":"quota","name":"q","limit":0,"window":"hour"}]}}', /PROVIDER_POLICY_OVERRIDES\.erpnext\.rateLimits/],
      ['an unknown rule kind', '{"erpnext":{"rateLimits":[{"kind":"leaky","name":"q"}]}}', /PROVIDER_POLICY_OVERRIDES/],
      ['a malformed key', '{"ERP NEXT":{}}', /keys are "<provider>" or "<provider>\/<connection>"/],
    ])('rejects %s with the variable named', (_what, value, message) => {
      expect(() => parseEnv(schema, { ...db, PROVIDER_POLICY_OVERRIDES: value }, 'w')).toThrow(message);
    });
  });
});
