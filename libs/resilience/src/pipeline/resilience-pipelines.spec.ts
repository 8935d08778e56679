import { PROVIDER_POLICIES } from './provider-policies';
import { ResiliencePipelines } from './resilience-pipelines';

describe('ResiliencePipelines', () => {
  it('has the spec limits per provider', () => {
    expect(PROVIDER_POLICIES.erpnext!.rateLimits).toEqual([{ kind: 'quota', name: 'erpnext-hourly', limit: 1000, window: 'hour' }]);
    expect(PROVIDER_POLICIES.linkedin!.rateLimits[0]).toMatchObject({ limit: 100, window: 'day' });
    expect(PROVIDER_POLICIES.openai!.rateLimits[0]).toMatchObject({ limit: 60, window: 'minute' });
    expect(PROVIDER_POLICIES.reddit!.rateLimits[0]).toMatchObject({ limit: 100, window: 'minute' });
    expect(PROVIDER_POLICIES.shopify!.rateLimits[0]).toMatchObject({ kind: 'token-bucket', capacity: 40, refillPerSecond: 2 });
    expect(PROVIDER_POLICIES.crm!.rateLimits.length).toBeGreaterThan(0);
  });

  it('keeps one pipeline (one breaker) per provider + connection, with provider then connection overrides', () => {
    const pipelines = new ResiliencePipelines({
      overrides: {
        shopify: { retry: { maxAttempts: 2 } },
        'shopify/plus': { rateLimits: [{ kind: 'token-bucket', name: 'plus', capacity: 400, refillPerSecond: 20 }], timeouts: { attemptMs: 1_234 } },
      },
    });
    const plus = pipelines.get('shopify', 'plus');
    expect(pipelines.get('shopify', 'plus')).toBe(plus);
    expect(pipelines.get('shopify')).not.toBe(plus);
    expect(plus.breaker).not.toBe(pipelines.get('shopify').breaker);
    expect(plus.policy.retry.maxAttempts).toBe(2);
    expect(plus.policy.timeouts).toMatchObject({ attemptMs: 1_234, totalMs: PROVIDER_POLICIES.shopify!.timeouts.totalMs });
    expect(plus.policy.rateLimits[0]).toMatchObject({ capacity: 400 });
    expect(pipelines.get('shopify').policy.rateLimits[0]).toMatchObject({ capacity: 40 });
    expect(pipelines.get('unknown-provider').policy.rateLimits).toEqual([]);
    pipelines.close();
  });
});
