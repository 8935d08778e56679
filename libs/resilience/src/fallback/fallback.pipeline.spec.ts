import type { ErpNextClient, ErpNextSandbox } from '@junction/connectors/erpnext';
import type { PipelineAttempt } from '../pipeline/pipeline-attempt';
import { RecordingObserver, ctx, loggedUser, pipelineFor, startErpNext, testPolicy } from '../pipeline/erpnext-sandbox.fixture';
import { ResiliencePipelines } from '../pipeline/resilience-pipelines';
import { LastGoodCache } from './last-good.cache';

describe('fallback (ERPNext sandbox)', () => {
  let primary: { sandbox: ErpNextSandbox; client: ErpNextClient };
  let backup: { sandbox: ErpNextSandbox; client: ErpNextClient };
  beforeAll(async () => {
    primary = await startErpNext('primary@example.com');
    backup = await startErpNext('backup@example.com');
  });
  afterAll(async () => {
    await primary.sandbox.stop();
    await backup.sandbox.stop();
  });
  beforeEach(() => {
    primary.sandbox.reset();
    backup.sandbox.reset();
  });

  it('serves the last good response for the cacheKey, marked degraded, when the provider fails', async () => {
    const { pipeline, observer } = pipelineFor(testPolicy({ retry: { maxAttempts: 2 }, fallback: { cacheTtlMs: 60_000 } }));
    const call = loggedUser(primary.client);
    await expect(pipeline.execute(ctx({ cacheKey: 'user' }), call)).resolves.toEqual({ value: 'primary@example.com', degraded: false });

    primary.sandbox.faults.set({ failNext: { count: 10, status: 503 } });
    const outcome = await pipeline.execute(ctx({ cacheKey: 'user' }), call);
    expect(outcome).toMatchObject({ value: 'primary@example.com', degraded: true, source: 'cache' });
    expect(observer.attempts.map((r) => [r.attempt, r.outcome, r.degraded])).toEqual([
      [1, 'success', false],
      [1, 'server', false],
      [2, 'server', true],
    ]);
    // A different key has nothing cached and no default: the error propagates.
    await expect(pipeline.execute(ctx({ cacheKey: 'other' }), call)).rejects.toMatchObject({ errorClass: 'server' });
    pipeline.breaker.shutdown();
  });

  it('serves the default value, but never for a permanent error', async () => {
    const { pipeline } = pipelineFor(testPolicy({ retry: { maxAttempts: 1 }, fallback: { defaultValue: 'nobody' } }));
    primary.sandbox.faults.set({ failNext: { count: 1, status: 502 } });
    await expect(pipeline.execute(ctx(), loggedUser(primary.client))).resolves.toMatchObject({ value: 'nobody', degraded: true, source: 'default' });
    primary.sandbox.faults.set({ failNext: { count: 1, status: 417 } });
    await expect(pipeline.execute(ctx(), loggedUser(primary.client))).rejects.toMatchObject({ errorClass: 'validation' });
    pipeline.breaker.shutdown();
  });

  it('runs the call on the alternative connection through its own pipeline', async () => {
    const observer = new RecordingObserver();
    const pipelines = new ResiliencePipelines({
      observer,
      policies: { erpnext: testPolicy({ retry: { maxAttempts: 1 } }) },
      overrides: { 'erpnext/default': { fallback: { alternativeConnection: 'backup' } } },
    });
    const clients: Record<string, ErpNextClient> = { default: primary.client, backup: backup.client };
    const call = (attempt: PipelineAttempt) => clients[attempt.connection]!.getLoggedUser({ signal: attempt.signal });
    primary.sandbox.faults.set({ failNext: { count: 1, status: 503 } });

    const outcome = await pipelines.execute(ctx(), call);

    expect(outcome).toMatchObject({ value: 'backup@example.com', degraded: true, source: 'alternative' });
    expect(backup.sandbox.requests).toHaveLength(1);
    expect(observer.attempts.map((r) => [r.connection, r.outcome, r.degraded])).toEqual([
      ['backup', 'success', false],
      ['default', 'server', true],
    ]);
    pipelines.close();
  });

  it('the last-good cache is bounded (least recently used evicted) and expires entries', () => {
    const cache = new LastGoodCache(2);
    cache.set('a', 1, 0);
    cache.set('b', 2, 0);
    expect(cache.get('a', 100, 10)).toEqual({ value: 1, ageMs: 10 });
    cache.set('c', 3, 20);
    expect(cache.get('b', 100, 20)).toBeUndefined();
    expect(cache.get('a', 100, 200)).toBeUndefined();
    expect(cache.size).toBe(1);
  });
});
