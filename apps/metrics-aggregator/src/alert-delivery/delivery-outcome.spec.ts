import { maskSecretUrl, isSigningSecret, generateSigningSecret, redactSecrets } from './channel-secret';
import { decide, describeResult, type SendResult } from './delivery-outcome';

const policy = { maxAttempts: 4, baseDelayMs: 1_000, maxDelayMs: 10_000 };
const response = (status: number, retryAfterMs?: number): SendResult => ({ kind: 'response', status, retryAfterMs, detail: '', latencyMs: 5 });

describe('delivery outcome', () => {
  it('2xx is delivered', () => {
    expect(decide(response(200), 1, policy)).toEqual({ status: 'delivered', outcome: 'delivered' });
    expect(decide(response(204), 4, policy)).toEqual({ status: 'delivered', outcome: 'delivered' });
  });

  it('5xx, 429, 408 and no answer are retried with full jitter under the exponential ceiling', () => {
    expect(decide(response(503), 1, policy, () => 0.5)).toEqual({ status: 'pending', outcome: 'retried', delayMs: 500 });
    expect(decide(response(500), 3, policy, () => 0.999)).toEqual({ status: 'pending', outcome: 'retried', delayMs: 3_996 });
    expect(decide(response(408), 1, policy, () => 0)).toMatchObject({ status: 'pending', delayMs: 0 });
    expect(decide({ kind: 'transport', errorClass: 'timeout', detail: 'no response', latencyMs: 1 }, 1, policy, () => 1)).toMatchObject({ status: 'pending' });
    // The cap: 1 s × 2^9 would be 512 s.
    expect(decide(response(502), 10, { ...policy, maxAttempts: 20 }, () => 0.999)).toMatchObject({ delayMs: 9_990 });
  });

  it('Retry-After replaces the computed delay', () => {
    expect(decide(response(429, 30_000), 1, policy, () => 0)).toEqual({ status: 'pending', outcome: 'retried', delayMs: 30_000 });
  });

  it('the last attempt fails for good; other 4xx and 3xx fail at once', () => {
    expect(decide(response(503), 4, policy)).toEqual({ status: 'failed', outcome: 'failed', reason: 'exhausted' });
    for (const status of [400, 401, 403, 404, 410, 301]) expect(decide(response(status), 1, policy)).toEqual({ status: 'failed', outcome: 'failed', reason: 'permanent' });
  });

  it('describes the result for lastError', () => {
    const r: SendResult = { kind: 'response', status: 404, detail: 'no_service', latencyMs: 1 };
    expect(describeResult(r, decide(r, 1, policy))).toBe('HTTP 404: no_service (permanent, not retried)');
    const t: SendResult = { kind: 'transport', errorClass: 'network', detail: 'ECONNREFUSED', latencyMs: 1 };
    expect(describeResult(t, decide(t, 1, policy))).toBe('network: ECONNREFUSED');
  });
});

describe('channel secrets', () => {
  it('generates Standard Webhooks secrets and checks given ones', () => {
    const secret = generateSigningSecret();
    expect(isSigningSecret(secret)).toBe(true);
    expect(isSigningSecret(`whsec_${Buffer.alloc(16).toString('base64')}`)).toBe(false);
    expect(isSigningSecret('not-a-secret')).toBe(false);
  });

  it('masks a Slack URL to host, first segment and one character', () => {
    expect(maskSecretUrl('https://hooks.slack.com/services/T0001/B0002/XXXXsecretXXXX')).toBe('hooks.slack.com/services/T***');
    expect(maskSecretUrl('nonsense')).toBe('***');
  });

  it('redacts a secret URL and its path from a peer’s text', () => {
    const url = 'https://hooks.slack.com/services/T0001/B0002/XXXXsecretXXXX';
    expect(redactSecrets(`failed ${url} and /services/T0001/B0002/XXXXsecretXXXX`, [url])).toBe('failed *** and /***');
  });
});
