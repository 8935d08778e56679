import { request } from 'undici';
import { CRM_SANDBOX_TOKEN, CrmSandbox } from './crm.sandbox';

describe('CrmSandbox rate limit (rolling window per token, injected clock)', () => {
  let now = Date.parse('2025-03-01T12:00:00.000Z');
  const sandbox = new CrmSandbox({ tokens: [CRM_SANDBOX_TOKEN, 'pat-na1-other'], rateLimit: { max: 5, intervalMs: 10_000, daily: 8 }, now: () => new Date(now) });

  beforeAll(() => sandbox.start());
  afterAll(() => sandbox.stop());
  beforeEach(() => {
    sandbox.reset();
    now = Date.parse('2025-03-01T12:00:00.000Z');
  });

  async function get(token = CRM_SANDBOX_TOKEN) {
    const res = await request(new URL('/crm/v3/objects/contacts', sandbox.url), { headers: { authorization: `Bearer ${token}` } });
    return { status: res.statusCode, headers: res.headers, json: (await res.body.json()) as Record<string, any> };
  }

  it('counts down X-HubSpot-RateLimit-Remaining and answers the request past max with 429 + Retry-After', async () => {
    const remaining: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      now += 1000; // requests at t = 1 s … 5 s
      const res = await get();
      expect(res.status).toBe(200);
      remaining.push(res.headers['x-hubspot-ratelimit-remaining']);
    }
    expect(remaining).toEqual(['4', '3', '2', '1', '0']);
    const last = await get();
    expect(last.headers).toMatchObject({ 'x-hubspot-ratelimit-max': '5', 'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-daily': '8' });

    expect(last.status).toBe(429);
    // The oldest request (t = 1 s) leaves the window at t = 11 s; now is t = 5 s.
    expect(last.headers['retry-after']).toBe('6');
    expect(last.json).toMatchObject({ status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING', category: 'RATE_LIMITS' });
  });

  it('frees exactly one slot when the oldest request leaves the window', async () => {
    for (let i = 0; i < 5; i++) expect((await get()).status).toBe(200);
    now += 9_999;
    expect((await get()).status).toBe(429);
    now += 1;
    const res = await get();
    expect([res.status, res.headers['x-hubspot-ratelimit-remaining']]).toEqual([200, '4']);
  });

  it('keeps one budget per token', async () => {
    for (let i = 0; i < 5; i++) await get();
    expect((await get()).status).toBe(429);
    expect((await get('pat-na1-other')).status).toBe(200);
  });

  it('enforces the daily allowance until midnight UTC', async () => {
    for (let i = 0; i < 8; i++) {
      now += 10_000;
      expect((await get()).status).toBe(200);
    }
    now = Date.parse('2025-03-01T23:59:00.000Z');
    const over = await get();
    expect([over.status, over.headers['retry-after'], over.headers['x-hubspot-ratelimit-daily-remaining']]).toEqual([429, '60', '0']);
    now = Date.parse('2025-03-02T00:00:00.000Z');
    expect((await get()).status).toBe(200);
  });
});
