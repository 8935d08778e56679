import type { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import { IntegrationError } from '../errors/integration-error';
import type { Acquisition, ProviderLimitObservation, RateLimiter } from '../rate-limit/rate-limiter.port';
import { ctx, loggedUser, pipelineFor, startErpNext, testPolicy } from './erpnext-sandbox.fixture';

describe('ResiliencePipeline retry + rate limit (ERPNext sandbox)', () => {
  let sandbox: ErpNextSandbox;
  let client: ErpNextClient;
  beforeAll(async () => ({ sandbox, client } = await startErpNext()));
  afterAll(() => sandbox.stop());
  beforeEach(() => sandbox.reset());

  it('rides out a 429 storm honoring Retry-After, one observer record per attempt', async () => {
    sandbox.faults.set({ failNext: { count: 2, status: 429, retryAfter: '1' } });
    const { pipeline, observer } = pipelineFor(testPolicy({ retry: { maxAttempts: 4 } }));

    const outcome = await pipeline.execute(ctx(), loggedUser(client));

    expect(outcome).toEqual({ value: 'Administrator', degraded: false });
    const at = sandbox.requests.map((r) => r.at.getTime());
    expect(sandbox.requests.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(at[1]! - at[0]!).toBeGreaterThanOrEqual(1000);
    expect(at[2]! - at[1]!).toBeGreaterThanOrEqual(1000);
    expect(observer.attempts.map((r) => [r.attempt, r.outcome, r.httpStatus, r.breakerState, r.degraded])).toEqual([
      [1, 'rate_limit', 429, 'closed', false],
      [2, 'rate_limit', 429, 'closed', false],
      [3, 'success', undefined, 'closed', false],
    ]);
    pipeline.breaker.shutdown();
  });

  it('gives up with rate_limit (and when to come back) when Retry-After lands past the deadline', async () => {
    sandbox.faults.set({ failNext: { count: 5, status: 429, retryAfter: '1' } });
    const { pipeline } = pipelineFor(testPolicy({ retry: { maxAttempts: 4 } }));
    const started = Date.now();

    const error = (await pipeline.execute(ctx({ deadline: started + 500 }), loggedUser(client)).catch((e: unknown) => e)) as IntegrationError;

    expect(error).toBeInstanceOf(IntegrationError);
    expect(error.errorClass).toBe('rate_limit');
    expect(error.retryAfterMs).toBe(1000);
    expect(Date.now() - started).toBeLessThan(500);
    expect(sandbox.requests).toHaveLength(1);
    pipeline.breaker.shutdown();
  });

  it('retries only retryable classes: a 417 validation error is sent once, a 503 up to maxAttempts', async () => {
    const { pipeline, observer } = pipelineFor(testPolicy({ retry: { maxAttempts: 3 } }));
    sandbox.faults.set({ failNext: { count: 10, status: 417 } });
    await expect(pipeline.execute(ctx(), loggedUser(client))).rejects.toMatchObject({ errorClass: 'validation', status: 417 });
    expect(sandbox.requests).toHaveLength(1);

    sandbox.reset();
    sandbox.faults.set({ failNext: { count: 10, status: 503 } });
    await expect(pipeline.execute(ctx(), loggedUser(client))).rejects.toMatchObject({ errorClass: 'server', status: 503 });
    expect(sandbox.requests).toHaveLength(3);
    expect(observer.attempts.map((r) => `${r.attempt}:${r.outcome}`)).toEqual(['1:validation', '1:server', '2:server', '3:server']);
    pipeline.breaker.shutdown();
  });

  it('never repeats a non-idempotent call that may have taken effect, but retries one that was refused', async () => {
    const { pipeline } = pipelineFor(testPolicy({ retry: { maxAttempts: 3 } }));
    sandbox.faults.set({ failNext: { count: 10, status: 503 } });
    await expect(pipeline.execute(ctx({ idempotent: false }), loggedUser(client))).rejects.toMatchObject({ errorClass: 'server' });
    expect(sandbox.requests).toHaveLength(1);

    sandbox.reset();
    sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: '0' } });
    await expect(pipeline.execute(ctx({ idempotent: false }), loggedUser(client))).resolves.toMatchObject({ value: 'Administrator' });
    expect(sandbox.requests.map((r) => r.status)).toEqual([429, 200]);
    pipeline.breaker.shutdown();
  });

  describe('rate limiter at the port', () => {
    class FakeLimiter implements RateLimiter {
      readonly observed: ProviderLimitObservation[] = [];
      constructor(private readonly answers: Acquisition[]) {}
      tryAcquire(): Promise<Acquisition> {
        return Promise.resolve(this.answers.shift() ?? { granted: true });
      }
      observe(_key: unknown, observation: ProviderLimitObservation): Promise<void> {
        this.observed.push(observation);
        return Promise.resolve();
      }
    }
    const rules = [{ kind: 'quota', name: 'erpnext-hourly', limit: 1000, window: 'hour' }] as const;

    it('waits for capacity when the deadline allows, then calls', async () => {
      const limiter = new FakeLimiter([{ granted: false, rule: 'erpnext-hourly', retryAt: Date.now() + 150 }]);
      const { pipeline } = pipelineFor(testPolicy({ rateLimits: rules }), { limiter });
      const started = Date.now();
      await expect(pipeline.run(ctx(), loggedUser(client))).resolves.toBe('Administrator');
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
      expect(sandbox.requests).toHaveLength(1);
      pipeline.breaker.shutdown();
    });

    it('defers with rate_limit and retryAfterMs, without calling the provider, when capacity returns too late', async () => {
      const limiter = new FakeLimiter([{ granted: false, rule: 'erpnext-hourly', retryAt: Date.now() + 60_000 }]);
      const { pipeline, observer } = pipelineFor(testPolicy({ rateLimits: rules }), { limiter });
      const error = (await pipeline.run(ctx({ deadline: Date.now() + 5_000 }), loggedUser(client)).catch((e: unknown) => e)) as IntegrationError;
      expect(error.errorClass).toBe('rate_limit');
      expect(error.retryAfterMs).toBeGreaterThan(59_000);
      expect(sandbox.requests).toHaveLength(0);
      expect(observer.attempts.map((r) => r.outcome)).toEqual(['rate_limit']);
      pipeline.breaker.shutdown();
    });

    it("reports the provider's limits: a 429's Retry-After and what the call observed from headers", async () => {
      const limiter = new FakeLimiter([]);
      const { pipeline } = pipelineFor(testPolicy({ rateLimits: rules }), { limiter });
      sandbox.faults.set({ failNext: { count: 1, status: 429, retryAfter: '0' } });
      await pipeline.run(ctx(), async (attempt) => {
        const user = await client.getLoggedUser({ signal: attempt.signal });
        attempt.observeLimits({ remaining: 41 });
        return user;
      });
      expect(limiter.observed).toEqual([{ remaining: 0, resetAt: expect.any(Number) }, { remaining: 41 }]);
      pipeline.breaker.shutdown();
    });
  });
});

describe('ResiliencePipeline with failures that are not the provider', () => {
  it('passes an error of our own (limiter database down, a bug) on unchanged, recorded once, not retried', async () => {
    const attempts: unknown[] = [];
    const broken = { tryAcquire: () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432')), observe: () => Promise.resolve() };
    const { ResiliencePipeline } = await import('./resilience.pipeline');
    const pipeline = new ResiliencePipeline({
      provider: 'erpnext',
      connection: 'default',
      policy: { ...testPolicy({ retry: { maxAttempts: 3 } }), rateLimits: [{ kind: 'quota', name: 'q', limit: 10, window: 'hour' }] },
      limiter: broken,
      observer: { onAttempt: (r) => attempts.push(r), onBreakerStateChange: () => undefined },
    });
    let calls = 0;
    const error = await pipeline.run(ctx(), async () => ++calls).catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(IntegrationError);
    expect((error as Error).message).toContain('ECONNREFUSED');
    expect(calls).toBe(0);
    expect(attempts).toHaveLength(1);

    pipeline.breaker.shutdown();

    const plain = new ResiliencePipeline({ provider: 'erpnext', connection: 'default', policy: testPolicy({ retry: { maxAttempts: 3 } }) });
    let tries = 0;
    const bug = await plain
      .run(ctx(), async () => {
        tries++;
        throw new TypeError('x is undefined');
      })
      .catch((e: unknown) => e);
    expect(bug).toBeInstanceOf(TypeError);
    expect(tries).toBe(1);
    plain.breaker.shutdown();
  });
});
